import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GitHubApiStandIn, startGitHubApiStandIn } from '../../../../test/github-api-stand-in.js';
import { ConfigurationError } from '../../src/errors.js';
import { createGitHubDeploymentsApi } from '../../src/github/github-deployments.js';
import { describePreviewTeardown, tearDownPreviewEnvironment } from '../../src/github/preview-teardown.js';

// The real GitHub client (@actions/github's Octokit) against the loopback stand-in for GitHub's REST API:
// every request it sends is recorded there, and the stand-in's state is what GitHub would hold after them.
const JOB_TOKEN = 'ghs_jobToken0123456789abcdefABCDEFabcd';
const ADMIN_TOKEN = 'github_pat_administrationWrite0123456789';
const REPO = '/repos/acme/shop';
const ENV = 'preview-feature-cart';
const RUN_URL = 'https://github.com/acme/shop/actions/runs/42';
const SHA = 'e'.repeat(40);

let github: GitHubApiStandIn;
beforeEach(async () => {
  github = await startGitHubApiStandIn({
    token: JOB_TOKEN,
    administrationToken: ADMIN_TOKEN,
    repository: 'acme/shop',
    branches: ['main', 'feature/cart'],
  });
});
afterEach(() => github.close());

const api = (token: string) =>
  createGitHubDeploymentsApi({
    token,
    repository: { owner: 'acme', repo: 'shop' },
    apiUrl: github.url,
    attempts: 1,
  });

const seed = (environment: string, states: string[]) =>
  github.seedDeployment(
    {
      sha: SHA,
      ref: SHA,
      environment,
      transient_environment: true,
      production_environment: false,
      description: 'earlier',
    },
    states,
  );

const teardown = (token: string) =>
  tearDownPreviewEnvironment(api(token), ENV, {
    description: 'Branch feature/cart was deleted',
    logUrl: RUN_URL,
  });

describe('tearDownPreviewEnvironment() against the GitHub API stand-in', () => {
  it('posts an inactive status for each deployment not inactive yet, then deletes the environment', async () => {
    const live = seed(ENV, ['in_progress', 'success']);
    const ended = seed(ENV, ['success', 'inactive']);
    const other = seed('preview-feature-login', ['success']);

    const report = await teardown(ADMIN_TOKEN);

    expect(report).toEqual({
      environment: ENV,
      deployments: { marked: 1, alreadyInactive: 1 },
      environmentDeletion: { result: 'deleted' },
      nothingToDo: false,
    });
    expect(github.requests.map((r) => [r.method, r.path, r.query, r.body])).toEqual([
      ['GET', `${REPO}/deployments`, { environment: ENV, per_page: '100' }, undefined],
      ['GET', `${REPO}/deployments/${ended.id}/statuses`, { per_page: '1' }, undefined],
      ['GET', `${REPO}/deployments/${live.id}/statuses`, { per_page: '1' }, undefined],
      [
        'POST',
        `${REPO}/deployments/${live.id}/statuses`,
        {},
        {
          state: 'inactive',
          description: 'Branch feature/cart was deleted',
          log_url: RUN_URL,
          auto_inactive: false,
        },
      ],
      ['DELETE', `${REPO}/environments/${ENV}`, {}, undefined],
    ]);
    expect(github.requests.every((r) => r.authorization === `token ${ADMIN_TOKEN}`)).toBe(true);
    expect(live.statuses.map((s) => s.state)).toEqual(['in_progress', 'success', 'inactive']);
    expect(ended.statuses.map((s) => s.state)).toEqual(['success', 'inactive']);
    expect(other.statuses.map((s) => s.state)).toEqual(['success']);
    expect([...github.environments]).toEqual(['preview-feature-login']);
    expect(describePreviewTeardown(report)).toBe(
      `GitHub environment '${ENV}': 1 deployment marked inactive (1 already was); the environment deleted.`,
    );
  });

  it('run a second time, posts nothing and says there was nothing to do', async () => {
    seed(ENV, ['success']);
    await teardown(ADMIN_TOKEN);
    github.requests.length = 0;

    const again = await teardown(ADMIN_TOKEN);

    expect(again).toMatchObject({
      deployments: { marked: 0, alreadyInactive: 1 },
      environmentDeletion: { result: 'absent' },
      nothingToDo: true,
    });
    expect(github.requests.filter((r) => r.method === 'POST')).toEqual([]);
    expect(github.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([
      `${REPO}/environments/${ENV}`,
    ]);
    expect(describePreviewTeardown(again)).toBe(
      `GitHub environment '${ENV}': nothing to do, its 1 deployment was already inactive and the environment was already gone.`,
    );
  });

  it('with the job token: the deployments become inactive, and the refusal says which token can delete the environment', async () => {
    const live = seed(ENV, ['success']);

    const report = await teardown(JOB_TOKEN);

    expect(live.statuses.at(-1)?.state).toBe('inactive');
    expect(github.environments.has(ENV)).toBe(true);
    expect(report.deployments).toEqual({ marked: 1, alreadyInactive: 0 });
    expect(report.environmentDeletion).toEqual({
      result: 'not-permitted',
      status: 403,
      githubMessage: 'Resource not accessible by integration',
      message:
        `GitHub refused to delete the environment '${ENV}' (403 Resource not accessible by integration): ` +
        'the token may not. The default job token (GITHUB_TOKEN) cannot delete environments, whatever the ' +
        'job’s permissions say. A token that can: a fine-grained personal access token with "Administration: ' +
        'write" on this repository, a GitHub App installation token with administration write, or a classic ' +
        "personal access token with the 'repo' scope.",
    });
    expect(describePreviewTeardown(report)).toBe(
      `GitHub environment '${ENV}': 1 deployment marked inactive; the environment kept: the token may not delete it.`,
    );
  });

  it('marks every deployment inactive, past GitHub’s 100 a page, following the Link headers', async () => {
    const seeded = Array.from({ length: 230 }, (_, i) =>
      seed(ENV, i % 10 === 0 ? ['inactive'] : ['success']),
    );

    const report = await teardown(ADMIN_TOKEN);

    expect(report.deployments).toEqual({ marked: 207, alreadyInactive: 23 });
    expect(seeded.filter((d) => d.statuses.at(-1)?.state !== 'inactive')).toEqual([]);
    expect(
      github.requests
        .filter((r) => r.method === 'GET' && r.path === `${REPO}/deployments`)
        .map((r) => r.query),
    ).toEqual([
      { environment: ENV, per_page: '100' },
      { environment: ENV, per_page: '100', page: '2' },
      { environment: ENV, per_page: '100', page: '3' },
    ]);
    expect(github.requests.filter((r) => r.method === 'POST')).toHaveLength(207);
  });

  it('a repository the token cannot see fails loudly before anything is deleted', async () => {
    github.intercept((request) =>
      request.method === 'GET' ? { status: 404, body: { message: 'Not Found' } } : undefined,
    );
    seed(ENV, ['success']);
    const error = await teardown(ADMIN_TOKEN).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(
      /^GitHub answered 404 \(Not Found\) while listing every deployment/,
    );
    expect(github.requests.map((r) => r.method)).toEqual(['GET']);
    expect(github.environments.has(ENV)).toBe(true);
  });
});

describe('branches, for the sweep', () => {
  it('branchExists(): true for a branch with a slash in its name, false once GitHub says Branch not found', async () => {
    const client = api(JOB_TOKEN);
    expect(await client.branchExists('feature/cart')).toBe(true);
    expect(await client.branchExists('feature/gone')).toBe(false);
    expect(github.requests.map((r) => [r.method, r.path])).toEqual([
      ['GET', `${REPO}/branches/feature%2Fcart`],
      ['GET', `${REPO}/branches/feature%2Fgone`],
    ]);
  });

  it('branchExists(): any other 404 (a repository the token cannot see) is an error, never "gone"', async () => {
    github.intercept(() => ({ status: 404, body: { message: 'Not Found' } }));
    await expect(api(JOB_TOKEN).branchExists('feature/cart')).rejects.toThrow(
      "GitHub answered 404 (Not Found) while reading the branch 'feature/cart'",
    );
  });

  it('listBranches(): every name, page after page', async () => {
    for (let i = 0; i < 150; i++) github.branches.add(`topic-${String(i).padStart(3, '0')}`);
    const names = await api(JOB_TOKEN).listBranches();
    expect(names).toHaveLength(152);
    expect(new Set(names)).toEqual(github.branches);
    expect(github.requests.map((r) => r.query)).toEqual([
      { per_page: '100' },
      { per_page: '100', page: '2' },
    ]);
  });
});
