import { describe, expect, it } from 'vitest';
import type { RunContext } from '../../lib/src/index.js';
import type { FinishInputs, StartInputs } from '../src/inputs.js';
import {
  DESCRIPTION_MAX,
  deployedCommit,
  finalStatus,
  inProgressStatus,
  planStart,
  shorten,
  startEnvironmentUrl,
} from '../src/plan.js';

const SHA = '9f2c1e8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e';
const HEAD = 'd15ea5e0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6';
const LOG = 'https://github.com/acme/shop/actions/runs/1';

const context = (overrides: Partial<RunContext> = {}): RunContext => ({
  eventName: 'push',
  ref: 'refs/heads/main',
  refName: 'main',
  headRef: '',
  baseRef: '',
  sha: SHA,
  repository: 'acme/shop',
  actor: 'octo',
  runId: '1',
  runAttempt: '1',
  serverUrl: 'https://github.com',
  workflow: 'deploy',
  payload: {},
  ...overrides,
});

const start = (overrides: Partial<StartInputs> = {}): StartInputs => ({
  phase: 'start',
  environment: 'prod',
  namespace: 'shop-prod',
  'preview-environment': 'preview',
  production: true,
  'environment-url': 'https://{namespace}.example.com',
  ref: undefined,
  description: undefined,
  ...overrides,
});

const finish = (overrides: Partial<FinishInputs> = {}): FinishInputs => ({
  phase: 'finish',
  'deployment-id': 7,
  result: 'succeeded',
  'environment-url': 'https://shop-prod.example.com',
  description: undefined,
  ...overrides,
});

describe('startEnvironmentUrl()', () => {
  it('fills in the namespace and the pipeline’s environment, needing no commit or token', () => {
    const inputs = start({
      environment: 'preview',
      'environment-url': 'https://{namespace}.{environment}.example.com',
    });
    expect(startEnvironmentUrl({ ...inputs, namespace: 'shop-feature-cart' })).toBe(
      'https://shop-feature-cart.preview.example.com',
    );
    expect(startEnvironmentUrl(start({ 'environment-url': '' }))).toBeUndefined();
  });

  it('refuses a template whose namespace is not given', () => {
    expect(() => startEnvironmentUrl(start({ namespace: undefined }))).toThrow('namespace is empty here');
  });
});

describe('planStart()', () => {
  it('records production under its own name, for the exact commit', () => {
    expect(planStart(start(), context())).toEqual({
      deployment: {
        ref: SHA,
        environment: 'prod',
        description: 'k8s-ship: 9f2c1e8a0b1c to namespace shop-prod',
        transientEnvironment: false,
        productionEnvironment: true,
      },
      environmentUrl: 'https://shop-prod.example.com',
    });
  });

  it('records a preview as a transient environment named after its namespace, never production', () => {
    const plan = planStart(
      start({ environment: 'preview', namespace: 'preview-feature-cart', production: true }),
      context(),
    );
    expect(plan.deployment).toMatchObject({
      environment: 'preview-feature-cart',
      transientEnvironment: true,
      productionEnvironment: false,
    });
  });

  it('refuses a preview without a namespace to name it', () => {
    expect(() => planStart(start({ environment: 'preview', namespace: undefined }), context())).toThrow(
      "needs the 'namespace' input",
    );
  });

  it('takes the ref input over the run’s commit', () => {
    expect(planStart(start({ ref: 'v1.2.3' }), context()).deployment.ref).toBe('v1.2.3');
  });
});

describe('deployedCommit()', () => {
  it('is GITHUB_SHA for a push', () => {
    expect(deployedCommit(context())).toBe(SHA);
  });

  it('is the head commit for a pull request, not GitHub’s merge commit', () => {
    const pr = context({ eventName: 'pull_request', payload: { pull_request: { head: { sha: HEAD } } } });
    expect(deployedCommit(pr)).toBe(HEAD);
  });

  it('refuses a run without a commit', () => {
    expect(() => deployedCommit(context({ sha: '' }))).toThrow('GITHUB_SHA is empty');
  });
});

describe('statuses', () => {
  it('sets in progress with the run’s link and without deactivating what runs now', () => {
    expect(inProgressStatus(planStart(start(), context()), LOG)).toEqual({
      state: 'in_progress',
      description: 'Deploying 9f2c1e8a0b1c',
      logUrl: LOG,
      autoInactive: false,
    });
  });

  it('sets success with the environment URL, letting GitHub deactivate the deployments it replaced', () => {
    expect(finalStatus(finish({ description: 'rolled out revision 4' }), LOG)).toEqual({
      state: 'success',
      description: 'rolled out revision 4',
      logUrl: LOG,
      environmentUrl: 'https://shop-prod.example.com',
      autoInactive: true,
    });
  });

  it('sets inactive for a superseded revision: it neither failed nor runs', () => {
    expect(finalStatus(finish({ result: 'superseded', description: 'revision 3 replaced it' }), LOG)).toEqual(
      {
        state: 'inactive',
        description: 'Superseded: revision 3 replaced it',
        logUrl: LOG,
        autoInactive: false,
      },
    );
  });

  it.each([
    ['failed', 'pod crash-looping', 'pod crash-looping'],
    ['rolled-back', 'readiness timed out', 'Rolled back: readiness timed out'],
    ['stopped', undefined, 'The pipeline stopped before the rollout ended'],
  ] as const)(
    'sets failure for %s, without a URL and keeping the previous deployment active',
    (result, description, expected) => {
      expect(finalStatus(finish({ result, description }), LOG)).toEqual({
        state: 'failure',
        description: expected,
        logUrl: LOG,
        autoInactive: false,
      });
    },
  );

  it('cuts descriptions to GitHub’s 140 characters, on one line', () => {
    const long = shorten(`line one\n${'x'.repeat(300)}`);
    expect(long).toHaveLength(DESCRIPTION_MAX);
    expect(long.startsWith('line one x')).toBe(true);
    expect(long.endsWith('…')).toBe(true);
  });
});
