import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { NO_TOKEN_NOTICE } from '../../actions/deployment-status/src/main.js';
import { runCompositeAction } from '../../runner/src/composite.js';
import { pushEvent } from '../../runner/src/events.js';
import { repoRoot } from '../../runner/src/paths.js';
import { rewriteLocalUses } from '../../scripts/release-refs/rewrite.js';
import { type GitHubApiStandIn, startGitHubApiStandIn } from '../github-api-stand-in.js';

/*
 * The root action as a release ships it (every step pinned to OWNER/REPO/actions/NAME@<sha> by
 * scripts/release-refs.ts), run by the composite runner from this checkout for a caller repository
 * (acme/shop) whose token and GitHub API (a loopback stand-in) record the deployment. build-push is given
 * a registry without credentials, which it refuses, so the run stops there without Docker: what is under test is the released wiring
 * and the deployment's start and its result after a failed step.
 */
const TOKEN = 'ghs_releasedRootAction0123456789abcdef';
const SHA = '0123456789abcdef0123456789abcdef01234567';
const released = mkdtempSync(join(tmpdir(), 'released-root-'));
writeFileSync(
  join(released, 'action.yml'),
  rewriteLocalUses(
    readFileSync(join(repoRoot, 'action.yml'), 'utf8'),
    { repository: 'acme/k8s-ship', sha: SHA, version: 'v1.4.0' },
    'action.yml',
  ).text,
);
const workspace = mkdtempSync(join(tmpdir(), 'released-root-workspace-'));
afterAll(() => {
  rmSync(released, { recursive: true, force: true });
  rmSync(workspace, { recursive: true, force: true });
});

let github: GitHubApiStandIn;
beforeEach(async () => {
  github = await startGitHubApiStandIn({ token: TOKEN, repository: 'acme/shop' });
});
afterEach(() => github.close());

const ship = (githubToken: string, extraInputs: Record<string, string> = {}) =>
  runCompositeAction({
    actionDir: released,
    workspace,
    checkout: { repository: 'acme/k8s-ship', root: repoRoot },
    githubToken,
    node: 'local',
    event: pushEvent('feature/cart'),
    env: { GITHUB_API_URL: github.url },
    inputs: {
      preview: 'true',
      'environment-url': 'https://{namespace}.preview.example.com',
      registry: '127.0.0.1:5000',
      repository: 'acme/shop',
      deployment: 'shop',
      host: '127.0.0.1',
      user: 'deploy',
      'private-key': 'not used: the run stops before',
      ...extraInputs,
    },
    timeoutMs: 60_000,
  });

describe('the released root action (steps pinned to this repository by commit)', () => {
  it('records a preview deployment, then its failure when a later step fails', async () => {
    const run = await ship(TOKEN);
    expect(run.outcome).toBe('failure');
    expect(run.steps.map((step) => [step.label, step.outcome])).toEqual([
      ['target', 'success'],
      ['deployment-start', 'success'],
      ['image', 'failure'],
      ['scan', 'skipped'],
      ['tag', 'skipped'],
      ['deploy', 'skipped'],
      ['rollout', 'skipped'],
      ['deployment-finish', 'success'],
      ['post image', 'success'],
    ]);
    expect(run.steps[2]?.errors[0]).toContain("Input 'username' is required but was empty.");
    const id = run.outputs['deployment-id'];
    expect(run.outputs).toMatchObject({
      environment: 'preview',
      namespace: 'preview-feature-cart',
      'environment-url': 'https://preview-feature-cart.preview.example.com',
    });
    const api = '/repos/acme/shop/deployments';
    expect(github.requests.map((r) => [r.method, r.path, r.authorization])).toEqual([
      ['POST', api, `token ${TOKEN}`],
      ['POST', `${api}/${id}/statuses`, `token ${TOKEN}`],
      ['GET', `${api}/${id}`, `token ${TOKEN}`],
      ['POST', `${api}/${id}/statuses`, `token ${TOKEN}`],
    ]);
    expect(github.requests[0]?.body).toMatchObject({
      environment: 'preview-feature-cart',
      transient_environment: true,
      production_environment: false,
      auto_merge: false,
      required_contexts: [],
    });
    expect(github.requests.map((r) => (r.body as { state?: string } | undefined)?.state)).toEqual([
      undefined,
      'in_progress',
      undefined,
      'failure',
    ]);
    expect(github.requests[3]?.body).toMatchObject({
      description: 'The pipeline stopped before the rollout ended',
      auto_inactive: false,
    });
    for (const step of run.steps) expect(step.visibleLog).not.toContain(TOKEN);
  });

  it('without a token (the CLI) records nothing: one notice, no request', async () => {
    const run = await ship('');
    expect(run.steps.find((step) => step.label === 'deployment-start')?.outcome).toBe('success');
    expect(run.steps.find((step) => step.label === 'deployment-finish')?.outcome).toBe('success');
    const notices = run.steps.flatMap((step) => step.visibleLog.match(/^::notice::.*$/gm) ?? []);
    expect(notices).toEqual([`::notice::${NO_TOKEN_NOTICE}`]);
    expect(run.outputs['deployment-id']).toBe('');
    expect(github.requests).toEqual([]);
  });

  it('as pipeline.yml runs it, records nothing though the job has a token, and renders the URL for the job', async () => {
    // GitHub records that job's deployment (it has an environment); its environment.url is this output.
    const pipeline = parse(readFileSync(join(repoRoot, '.github', 'workflows', 'pipeline.yml'), 'utf8'));
    const step = pipeline.jobs.ship.steps.find((s: { id?: string }) => s.id === 'ship');
    const run = await ship(TOKEN, { 'github-token': step.with['github-token'] });
    expect(run.steps.find((s) => s.label === 'deployment-start')?.outcome).toBe('success');
    expect(run.outputs).toMatchObject({
      'deployment-id': '',
      'environment-url': 'https://preview-feature-cart.preview.example.com',
    });
    const notices = run.steps.flatMap((s) => s.visibleLog.match(/^::notice::.*$/gm) ?? []);
    expect(notices).toEqual([`::notice::${NO_TOKEN_NOTICE}`]);
    expect(github.requests).toEqual([]);
  });
});
