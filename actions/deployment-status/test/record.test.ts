import { describe, expect, it } from 'vitest';
import type {
  Deployment,
  DeploymentState,
  DeploymentsApi,
  NewDeployment,
  NewDeploymentStatus,
} from '../../lib/src/github/index.js';
import { finishDeployment, startDeployment } from '../src/record.js';

const notUsed = async (): Promise<never> => {
  throw new Error('deployment-status does not make this call');
};

/** An in-memory DeploymentsApi that logs each call. */
function fakeApi(seed: { deployment: Deployment; states: DeploymentState[] }[] = []) {
  const calls: string[] = [];
  const deployments = seed.map((s) => ({ ...s }));
  let nextId = 100;
  const api: DeploymentsApi = {
    async createDeployment(d: NewDeployment) {
      calls.push(`create ${d.environment}`);
      const deployment = {
        id: nextId++,
        sha: d.ref,
        environment: d.environment,
        transientEnvironment: d.transientEnvironment,
        productionEnvironment: d.productionEnvironment,
      };
      deployments.push({ deployment, states: [] });
      return deployment;
    },
    async createStatus(id: number, status: NewDeploymentStatus) {
      calls.push(`status ${id} ${status.state}`);
      deployments.find((d) => d.deployment.id === id)?.states.push(status.state);
    },
    async getDeployment(id: number) {
      calls.push(`get ${id}`);
      const found = deployments.find((d) => d.deployment.id === id);
      if (!found) throw new Error('404');
      return found.deployment;
    },
    async listDeployments(environment: string) {
      calls.push(`list ${environment}`);
      return deployments
        .filter((d) => d.deployment.environment === environment)
        .map((d) => d.deployment)
        .reverse();
    },
    async latestState(id: number) {
      return deployments.find((d) => d.deployment.id === id)?.states.at(-1);
    },
    // Ending a preview's calls: deployment-status makes none of them.
    listAllDeployments: notUsed,
    deleteEnvironment: notUsed,
    branchExists: notUsed,
    listBranches: notUsed,
  };
  return { api, calls, deployments };
}

const dep = (id: number, environment: string, flags: Partial<Deployment> = {}): Deployment => ({
  id,
  sha: 'a'.repeat(40),
  environment,
  transientEnvironment: false,
  productionEnvironment: false,
  ...flags,
});
const success: NewDeploymentStatus = { state: 'success', autoInactive: true };
const failure: NewDeploymentStatus = { state: 'failure', autoInactive: false };

describe('startDeployment()', () => {
  it('creates the deployment, then sets it in progress', async () => {
    const { api, calls } = fakeApi();
    const started = await startDeployment(
      api,
      {
        deployment: {
          ref: 'a'.repeat(40),
          environment: 'prod',
          description: 'x',
          transientEnvironment: false,
          productionEnvironment: true,
        },
        environmentUrl: undefined,
      },
      { state: 'in_progress', autoInactive: false },
    );
    expect(started.deployment.id).toBe(100);
    expect(calls).toEqual(['create prod', 'status 100 in_progress']);
  });
});

describe('finishDeployment()', () => {
  it('after a preview’s success, sets its earlier active deployments inactive, not failed or newer ones', async () => {
    const preview = { transientEnvironment: true };
    const { api, calls, deployments } = fakeApi([
      { deployment: dep(1, 'preview-x', preview), states: ['in_progress', 'success'] },
      { deployment: dep(2, 'preview-x', preview), states: ['in_progress', 'failure'] },
      { deployment: dep(3, 'preview-y', preview), states: ['success'] },
      { deployment: dep(4, 'preview-x', preview), states: ['in_progress'] },
      { deployment: dep(5, 'preview-x', preview), states: ['success'] },
    ]);
    const finished = await finishDeployment(api, 4, success);
    expect(finished.deactivated).toEqual([1]);
    expect(calls).toEqual(['get 4', 'status 4 success', 'list preview-x', 'status 1 inactive']);
    expect(deployments.map((d) => d.states.at(-1))).toEqual([
      'inactive',
      'failure',
      'success',
      'success',
      'success',
    ]);
  });

  it('deactivates earlier production deployments too, which GitHub leaves active', async () => {
    const { api } = fakeApi([
      { deployment: dep(1, 'prod', { productionEnvironment: true }), states: ['success'] },
      { deployment: dep(2, 'prod', { productionEnvironment: true }), states: ['in_progress'] },
    ]);
    expect((await finishDeployment(api, 2, success)).deactivated).toEqual([1]);
  });

  it('leaves other environments to GitHub’s auto_inactive', async () => {
    const { api, calls } = fakeApi([
      { deployment: dep(1, 'stage'), states: ['success'] },
      { deployment: dep(2, 'stage'), states: ['in_progress'] },
    ]);
    expect((await finishDeployment(api, 2, success)).deactivated).toEqual([]);
    expect(calls).toEqual(['get 2', 'status 2 success']);
  });

  it('after a failure keeps the previous deployment active: it is what still runs', async () => {
    const { api, calls } = fakeApi([
      { deployment: dep(1, 'preview-x', { transientEnvironment: true }), states: ['success'] },
      { deployment: dep(2, 'preview-x', { transientEnvironment: true }), states: ['in_progress'] },
    ]);
    expect((await finishDeployment(api, 2, failure)).deactivated).toEqual([]);
    expect(calls).toEqual(['get 2', 'status 2 failure']);
  });
});
