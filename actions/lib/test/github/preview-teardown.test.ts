import { describe, expect, it } from 'vitest';
import {
  describePreviewTeardown,
  markDeploymentsInactive,
  PREVIEW_ENDED,
  type PreviewTeardownReport,
  tearDownPreviewEnvironment,
} from '../../src/github/preview-teardown.js';
import { FakeDeploymentsApi } from '../fakes/deployments-api.js';

const ENV = 'preview-feature-cart';

describe('markDeploymentsInactive()', () => {
  it('sets every deployment of the environment inactive except those already inactive, and counts both', async () => {
    const api = new FakeDeploymentsApi();
    const live = api.seed(ENV, ['in_progress', 'success']);
    const done = api.seed(ENV, ['success', 'inactive']);
    const failed = api.seed(ENV, ['failure']);
    const running = api.seed(ENV, ['in_progress']);
    const bare = api.seed(ENV, []);
    const other = api.seed('preview-feature-login', ['success']);

    const count = await markDeploymentsInactive(api, ENV);

    expect(count).toEqual({ marked: 4, alreadyInactive: 1 });
    for (const deployment of [live, done, failed, running, bare]) {
      expect(api.latestOf(deployment.id)).toBe('inactive');
    }
    expect(api.latestOf(other.id)).toBe('success');
    expect(api.calls.filter((call) => call.startsWith('status'))).toEqual([
      `status ${bare.id} inactive`,
      `status ${running.id} inactive`,
      `status ${failed.id} inactive`,
      `status ${live.id} inactive`,
    ]);
    expect(api.calls[0]).toBe(`list-all ${ENV}`);
  });

  it('writes the description and the run’s URL, and never asks GitHub to deactivate others', async () => {
    const api = new FakeDeploymentsApi();
    const deployment = api.seed(ENV, ['success']);
    await markDeploymentsInactive(api, ENV, {
      description: 'Branch feature/cart was deleted',
      logUrl: 'https://github.com/acme/shop/actions/runs/1',
    });
    expect(api.deployments.find((d) => d.deployment.id === deployment.id)?.statuses.at(-1)).toEqual({
      state: 'inactive',
      description: 'Branch feature/cart was deleted',
      logUrl: 'https://github.com/acme/shop/actions/runs/1',
      autoInactive: false,
    });
  });

  it('says the preview was removed when the caller gives no description, and sends no log URL', async () => {
    const api = new FakeDeploymentsApi();
    const deployment = api.seed(ENV, ['success']);
    await markDeploymentsInactive(api, ENV);
    const status = api.deployments.find((d) => d.deployment.id === deployment.id)?.statuses.at(-1);
    expect(status).toEqual({ state: 'inactive', description: PREVIEW_ENDED, autoInactive: false });
  });
});

describe('tearDownPreviewEnvironment()', () => {
  it('marks the deployments inactive first, then deletes the environment', async () => {
    const api = new FakeDeploymentsApi();
    const deployment = api.seed(ENV, ['success']);
    api.environments.add('preview-feature-login');

    const report = await tearDownPreviewEnvironment(api, ENV);

    expect(report).toEqual({
      environment: ENV,
      deployments: { marked: 1, alreadyInactive: 0 },
      environmentDeletion: { result: 'deleted' },
      nothingToDo: false,
    });
    expect(api.calls).toEqual([
      `list-all ${ENV}`,
      `latest ${deployment.id}`,
      `status ${deployment.id} inactive`,
      `delete-environment ${ENV}`,
    ]);
    expect([...api.environments]).toEqual(['preview-feature-login']);
  });

  it('run again, changes nothing and reports that there was nothing to do', async () => {
    const api = new FakeDeploymentsApi();
    api.seed(ENV, ['success']);
    api.seed(ENV, ['failure']);
    await tearDownPreviewEnvironment(api, ENV);
    api.calls.length = 0;

    const again = await tearDownPreviewEnvironment(api, ENV);

    expect(again).toEqual({
      environment: ENV,
      deployments: { marked: 0, alreadyInactive: 2 },
      environmentDeletion: { result: 'absent' },
      nothingToDo: true,
    });
    expect(api.calls.filter((call) => call.startsWith('status'))).toEqual([]);
  });

  it('a token that may not delete the environment is a refusal in the report, after the deployments were marked', async () => {
    const api = new FakeDeploymentsApi();
    const deployment = api.seed(ENV, ['success']);
    api.refuseEnvironmentDeletion = true;

    const report = await tearDownPreviewEnvironment(api, ENV);

    expect(report.deployments).toEqual({ marked: 1, alreadyInactive: 0 });
    expect(api.latestOf(deployment.id)).toBe('inactive');
    expect(report.environmentDeletion).toMatchObject({ result: 'not-permitted', status: 403 });
    expect(report.nothingToDo).toBe(false);
    expect(api.environments.has(ENV)).toBe(true);
  });

  it('keeps the environment when asked, without a call to delete it', async () => {
    const api = new FakeDeploymentsApi();
    api.seed(ENV, ['success']);
    const report = await tearDownPreviewEnvironment(api, ENV, { deleteEnvironment: false });
    expect(report.environmentDeletion).toEqual({ result: 'kept' });
    expect(api.calls.some((call) => call.startsWith('delete-environment'))).toBe(false);
    expect(api.environments.has(ENV)).toBe(true);
  });

  it('a failed listing stops the teardown before the environment is deleted', async () => {
    const api = new FakeDeploymentsApi();
    api.seed(ENV, ['success']);
    api.listAllDeployments = async () => {
      throw new Error('GitHub answered 502 while listing every deployment');
    };
    await expect(tearDownPreviewEnvironment(api, ENV)).rejects.toThrow('GitHub answered 502');
    expect(api.calls).toEqual([]);
    expect(api.environments.has(ENV)).toBe(true);
  });
});

describe('describePreviewTeardown()', () => {
  const report = (
    marked: number,
    alreadyInactive: number,
    environmentDeletion: PreviewTeardownReport['environmentDeletion'],
  ): PreviewTeardownReport => ({
    environment: ENV,
    deployments: { marked, alreadyInactive },
    environmentDeletion,
    nothingToDo: marked === 0 && environmentDeletion.result === 'absent',
  });
  const refused = {
    result: 'not-permitted',
    status: 403,
    githubMessage: 'Resource not accessible by integration',
    message: 'GitHub refused…',
  } as const;

  const cases: [PreviewTeardownReport, string][] = [
    [
      report(3, 1, { result: 'deleted' }),
      '3 deployments marked inactive (1 already was); the environment deleted.',
    ],
    [report(1, 0, { result: 'deleted' }), '1 deployment marked inactive; the environment deleted.'],
    [
      report(1, 2, { result: 'deleted' }),
      '1 deployment marked inactive (2 already were); the environment deleted.',
    ],
    [report(2, 0, { result: 'absent' }), '2 deployments marked inactive; the environment was already gone.'],
    [report(0, 0, { result: 'kept' }), '0 deployments marked inactive; the environment kept, as asked.'],
    [
      report(2, 0, refused),
      '2 deployments marked inactive; the environment kept: the token may not delete it.',
    ],
    [
      report(0, 4, { result: 'absent' }),
      'nothing to do, its 4 deployments were already inactive and the environment was already gone.',
    ],
    [
      report(0, 1, { result: 'absent' }),
      'nothing to do, its 1 deployment was already inactive and the environment was already gone.',
    ],
    [
      report(0, 0, { result: 'absent' }),
      'nothing to do, it has no deployments and the environment was already gone.',
    ],
  ];
  it.each(cases.map(([given, expected]) => [expected, given] as const))('%s', (expected, given) => {
    expect(describePreviewTeardown(given)).toBe(`GitHub environment '${ENV}': ${expected}`);
  });
});
