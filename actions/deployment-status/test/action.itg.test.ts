import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadEvent, pullRequestEvent, type RunnerEvent } from '../../../runner/src/events.js';
import { NODE_RUNTIMES } from '../../../runner/src/paths.js';
import { runBundledAction } from '../../../runner/src/run-bundle.js';
import { type GitHubApiStandIn, startGitHubApiStandIn } from '../../../test/github-api-stand-in.js';
import { NO_TOKEN_NOTICE } from '../src/main.js';

// The committed bundle, run through the runner contract against a loopback stand-in for GitHub's REST API
// (GITHUB_API_URL): every request it sends is asserted, path, body and authorization header.
const actionDir = join(import.meta.dirname, '..');
const TOKEN = 'ghs_deployTestToken0123456789abcdefABCD';
const PUSH_SHA = '9f2c1e8b7a6d5c4b3a29180f7e6d5c4b3a291807';
const PR_HEAD_SHA = 'c0ffee1234567890abcdef1234567890abcdef12';
const RUN_URL = 'https://github.com/acme/shop/actions/runs/9876543210';
const API = '/repos/acme/shop/deployments';
const AUTH = `token ${TOKEN}`;

let github: GitHubApiStandIn;
beforeEach(async () => {
  github = await startGitHubApiStandIn({ token: TOKEN, repository: 'acme/shop' });
});
afterEach(() => github.close());

describe.each(NODE_RUNTIMES)('deployment-status bundle under %s', (node) => {
  const run = (inputs: Record<string, string>, event: RunnerEvent = loadEvent('push'), token = TOKEN) =>
    runBundledAction({
      actionDir,
      node,
      inputs: { token, ...inputs },
      event,
      env: { GITHUB_API_URL: github.url },
    });

  it('records a production deployment: created in progress, then success with its URL, replacing the last one', async () => {
    const earlier = github.seedDeployment(
      {
        sha: 'e'.repeat(40),
        ref: 'e'.repeat(40),
        environment: 'prod',
        transient_environment: false,
        production_environment: true,
        description: 'earlier',
      },
      ['in_progress', 'success'],
    );
    const start = await run({
      phase: 'start',
      environment: 'prod',
      namespace: 'shop-prod',
      production: 'true',
      'environment-url': 'https://{namespace}.example.com',
    });
    expect(start.main.exitCode, start.main.visibleLog).toBe(0);
    const id = Number(start.main.outputs['deployment-id']);
    expect(start.main.outputs).toEqual({
      'deployment-id': String(id),
      environment: 'prod',
      'environment-url': 'https://shop-prod.example.com',
      state: 'in_progress',
    });
    expect(github.requests).toEqual([
      {
        method: 'POST',
        path: API,
        query: {},
        authorization: AUTH,
        body: {
          ref: PUSH_SHA,
          task: 'deploy',
          environment: 'prod',
          description: 'k8s-ship: 9f2c1e8b7a6d to namespace shop-prod',
          auto_merge: false,
          required_contexts: [],
          transient_environment: false,
          production_environment: true,
        },
      },
      {
        method: 'POST',
        path: `${API}/${id}/statuses`,
        query: {},
        authorization: AUTH,
        body: {
          state: 'in_progress',
          description: 'Deploying 9f2c1e8b7a6d',
          log_url: RUN_URL,
          auto_inactive: false,
        },
      },
    ]);

    github.requests.length = 0;
    const finish = await run({
      phase: 'finish',
      'deployment-id': String(id),
      result: 'succeeded',
      description: 'deployment "shop" rolled out revision 4',
      'environment-url': start.main.outputs['environment-url'] as string,
    });
    expect(finish.main.exitCode, finish.main.visibleLog).toBe(0);
    expect(finish.main.outputs).toMatchObject({ state: 'success', environment: 'prod' });
    expect(github.requests.map((r) => [r.method, r.path, r.query, r.body])).toEqual([
      ['GET', `${API}/${id}`, {}, undefined],
      [
        'POST',
        `${API}/${id}/statuses`,
        {},
        {
          state: 'success',
          description: 'deployment "shop" rolled out revision 4',
          log_url: RUN_URL,
          environment_url: 'https://shop-prod.example.com',
          auto_inactive: true,
        },
      ],
      ['GET', API, { environment: 'prod', per_page: '100' }, undefined],
      ['GET', `${API}/${earlier.id}/statuses`, { per_page: '1' }, undefined],
      [
        'POST',
        `${API}/${earlier.id}/statuses`,
        {},
        { state: 'inactive', description: `Replaced by deployment ${id}`, auto_inactive: false },
      ],
    ]);
    expect(github.requests.every((r) => r.authorization === AUTH)).toBe(true);
    expect(finish.main.summary).toContain('<td>prod</td>');
  });

  it('records a failed rollout as failure, without a URL, and leaves the running deployment active', async () => {
    const earlier = github.seedDeployment(
      {
        sha: 'e'.repeat(40),
        ref: 'e'.repeat(40),
        environment: 'prod',
        transient_environment: false,
        production_environment: true,
        description: 'earlier',
      },
      ['success'],
    );
    const start = await run({ phase: 'start', environment: 'prod', namespace: 'prod', production: 'true' });
    const id = start.main.outputs['deployment-id'] as string;
    github.requests.length = 0;
    const finish = await run({
      phase: 'finish',
      'deployment-id': id,
      result: 'rolled-back',
      description: 'pod shop-1 is crash-looping',
    });
    expect(finish.main.exitCode, finish.main.visibleLog).toBe(0);
    expect(github.requests.map((r) => [r.method, r.path, r.body])).toEqual([
      ['GET', `${API}/${id}`, undefined],
      [
        'POST',
        `${API}/${id}/statuses`,
        {
          state: 'failure',
          description: 'Rolled back: pod shop-1 is crash-looping',
          log_url: RUN_URL,
          auto_inactive: false,
        },
      ],
    ]);
    expect(earlier.statuses.at(-1)?.state).toBe('success');
  });

  it('records a pull request’s preview as a transient environment of its own, for the head commit', async () => {
    const preview = (branch: string, states: string[]) =>
      github.seedDeployment(
        {
          sha: 'e'.repeat(40),
          ref: 'e'.repeat(40),
          environment: `preview-${branch}`,
          transient_environment: true,
          production_environment: false,
          description: 'earlier',
        },
        states,
      );
    const sameBranch = preview('feature-cart', ['success']);
    const failedBefore = preview('feature-cart', ['failure']);
    const otherBranch = preview('feature-login', ['success']);
    const event = pullRequestEvent('feature/cart');
    const start = await run(
      {
        phase: 'start',
        environment: 'preview',
        namespace: 'preview-feature-cart',
        production: 'false',
        'environment-url': 'https://{namespace}.preview.example.com',
      },
      event,
    );
    expect(start.main.exitCode, start.main.visibleLog).toBe(0);
    expect(github.requests[0]?.body).toEqual({
      ref: PR_HEAD_SHA,
      task: 'deploy',
      environment: 'preview-feature-cart',
      description: 'k8s-ship: c0ffee123456 to namespace preview-feature-cart',
      auto_merge: false,
      required_contexts: [],
      transient_environment: true,
      production_environment: false,
    });
    const id = start.main.outputs['deployment-id'] as string;
    github.requests.length = 0;
    const finish = await run(
      {
        phase: 'finish',
        'deployment-id': id,
        result: 'succeeded',
        'environment-url': start.main.outputs['environment-url'] as string,
      },
      event,
    );
    expect(finish.main.exitCode, finish.main.visibleLog).toBe(0);
    expect(github.requests.map((r) => [r.method, r.path, r.query])).toEqual([
      ['GET', `${API}/${id}`, {}],
      ['POST', `${API}/${id}/statuses`, {}],
      ['GET', API, { environment: 'preview-feature-cart', per_page: '100' }],
      ['GET', `${API}/${failedBefore.id}/statuses`, { per_page: '1' }],
      ['GET', `${API}/${sameBranch.id}/statuses`, { per_page: '1' }],
      ['POST', `${API}/${sameBranch.id}/statuses`, {}],
    ]);
    expect(github.requests[1]?.body).toMatchObject({
      state: 'success',
      environment_url: 'https://preview-feature-cart.preview.example.com',
    });
    expect(sameBranch.statuses.at(-1)?.state).toBe('inactive');
    expect(failedBefore.statuses.at(-1)?.state).toBe('failure');
    expect(otherBranch.statuses.at(-1)?.state).toBe('success');
  });

  it('without a token records nothing, says so in one notice, and still renders the URL', async () => {
    // The URL is for a job with `environment:`, which leaves the record to GitHub: its environment.url.
    const start = await run(
      {
        phase: 'start',
        environment: 'prod',
        namespace: 'shop-prod',
        'environment-url': 'https://{namespace}.example.com/{environment}',
      },
      loadEvent('push'),
      '',
    );
    expect(start.main.exitCode, start.main.visibleLog).toBe(0);
    expect(start.main.commands.filter((c) => c.command === 'notice').map((c) => c.message)).toEqual([
      NO_TOKEN_NOTICE,
    ]);
    expect(NO_TOKEN_NOTICE).toMatch(/records no deployment.*GitHub's own record/);
    expect(start.main.outputs).toEqual({
      'deployment-id': '',
      environment: '',
      'environment-url': 'https://shop-prod.example.com/prod',
      state: '',
    });
    const finish = await run(
      {
        phase: 'finish',
        'deployment-id': '',
        result: '',
        'environment-url': 'https://shop-prod.example.com',
      },
      loadEvent('push'),
      '',
    );
    expect(finish.main.exitCode).toBe(0);
    expect(finish.main.commands.filter((c) => c.command === 'notice')).toEqual([]);
    expect(finish.main.outputs).toMatchObject({ 'environment-url': 'https://shop-prod.example.com' });
    expect(github.requests).toEqual([]);
  });

  it('without a token still refuses an environment-url it cannot render', async () => {
    const start = await run(
      { phase: 'start', environment: 'prod', 'environment-url': 'https://{namespace}.example.com' },
      loadEvent('push'),
      '',
    );
    expect(start.main.exitCode).toBe(1);
    expect(start.main.errors.join('\n')).toContain('namespace is empty here');
  });

  it('finishes nothing when start recorded nothing, without a request', async () => {
    const finish = await run({ phase: 'finish', 'deployment-id': '', result: 'succeeded' });
    expect(finish.main.exitCode).toBe(0);
    expect(finish.main.stdout).toContain('nothing to finish');
    expect(github.requests).toEqual([]);
  });

  it('403: names the permission the job needs, and never shows the token', async () => {
    github.intercept(() => ({
      status: 403,
      body: {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest/deployments/deployments#create-a-deployment',
      },
    }));
    const start = await run({ phase: 'start', environment: 'prod' });
    expect(start.main.exitCode).toBe(1);
    expect(start.main.errors).toEqual([
      "GitHub refused creating a deployment to 'prod' (403 Resource not accessible by integration). " +
        "The token needs permission to write deployments: give the job 'permissions: deployments: write' (with 'contents: read').",
    ]);
    expect(start.main.masks).toEqual([TOKEN]);
    expect(start.main.stdout.replaceAll(`::add-mask::${TOKEN}`, '')).not.toContain(TOKEN);
    expect(start.main.stderr).not.toContain(TOKEN);
    expect(github.requests).toHaveLength(1);
  });

  it('404: an unknown deployment names the repository', async () => {
    const finish = await run({ phase: 'finish', 'deployment-id': '424242', result: 'succeeded' });
    expect(finish.main.exitCode).toBe(1);
    expect(finish.main.errors).toEqual([
      "GitHub answered 404 (Not Found) while reading deployment 424242: the repository 'acme/shop' does not " +
        'exist, the token cannot see it, or the deployment is not one of its deployments.',
    ]);
  });

  it('422: GitHub’s validation message for a ref it does not know', async () => {
    github.intercept((request) =>
      request.method === 'POST' && request.path === API
        ? {
            status: 422,
            body: {
              message: 'Validation Failed',
              errors: [{ resource: 'Deployment', code: 'custom', message: 'No ref found for: v9.9.9' }],
            },
          }
        : undefined,
    );
    const start = await run({ phase: 'start', environment: 'stage', ref: 'v9.9.9' });
    expect(start.main.exitCode).toBe(1);
    expect(start.main.errors).toEqual([
      "deployment-status failed: GitHub rejected creating a deployment to 'stage' (422 Validation Failed: " +
        "No ref found for: v9.9.9). The ref must be a commit, branch or tag of 'acme/shop' and the environment " +
        'name at most 255 characters.',
    ]);
  });

  it('401: a wrong token is a configuration error', async () => {
    const start = await run(
      { phase: 'start', environment: 'stage' },
      loadEvent('push'),
      'ghs_wrong0123456789',
    );
    expect(start.main.exitCode).toBe(1);
    expect(start.main.errors[0]).toMatch(
      /^GitHub rejected the token while creating a deployment to 'stage' \(401 Bad credentials\)/,
    );
  });

  it('retries a 503 and then succeeds', async () => {
    let failures = 1;
    github.intercept(() =>
      failures-- > 0 ? { status: 503, body: { message: 'Service Unavailable' } } : undefined,
    );
    const start = await run({ phase: 'start', environment: 'stage' });
    expect(start.main.exitCode, start.main.visibleLog).toBe(0);
    expect(github.requests.map((r) => r.method)).toEqual(['POST', 'POST', 'POST']);
  });
});
