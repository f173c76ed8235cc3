import type { NewDeployment, NewDeploymentStatus } from '../../lib/src/github/index.js';
import type { RunContext } from '../../lib/src/index.js';
import { environmentUrl } from './environment-url.js';
import type { FinishInputs, StartInputs } from './inputs.js';

/** GitHub's limit for a status description; the deployment's own is kept as short. */
export const DESCRIPTION_MAX = 140;

export function shorten(text: string, max = DESCRIPTION_MAX): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/** What `start` records: the deployment, and where the service will answer. */
export interface StartPlan {
  deployment: NewDeployment;
  environmentUrl: string | undefined;
}

/**
 * The commit that was built. A pull request run builds GitHub's merge commit, which belongs to no branch;
 * its head commit is what the pull request's page links deployments to.
 */
export function deployedCommit(context: RunContext): string {
  const pullRequest = context.payload.pull_request as { head?: { sha?: unknown } } | undefined;
  const head = pullRequest?.head?.sha;
  if (context.eventName.startsWith('pull_request') && typeof head === 'string' && head !== '') return head;
  if (context.sha === '') throw new Error('GITHUB_SHA is empty: give the commit to record in the ref input');
  return context.sha;
}

/** Where the service answers once deployed: `environment-url` with its placeholders filled in. */
export function startEnvironmentUrl(inputs: StartInputs): string | undefined {
  return environmentUrl(inputs['environment-url'], {
    namespace: inputs.namespace ?? '',
    environment: inputs.environment,
  });
}

/**
 * A preview environment holds one branch: it is recorded under the namespace's name (one GitHub environment
 * per branch, so one branch's deploy never deactivates another's) and as transient. Every other environment
 * keeps its own name, the name of the GitHub environment whose protection rules gate the job.
 */
export function planStart(inputs: StartInputs, context: RunContext): StartPlan {
  const preview = inputs.environment === inputs['preview-environment'];
  if (preview && inputs.namespace === undefined) {
    throw new Error(`the preview environment '${inputs.environment}' needs the 'namespace' input to name it`);
  }
  const environment = preview ? (inputs.namespace as string) : inputs.environment;
  const namespace = inputs.namespace ?? '';
  const ref = inputs.ref ?? deployedCommit(context);
  const where = namespace === '' ? `environment ${inputs.environment}` : `namespace ${namespace}`;
  return {
    deployment: {
      ref,
      environment,
      description: shorten(inputs.description ?? `k8s-ship: ${ref.slice(0, 12)} to ${where}`),
      transientEnvironment: preview,
      productionEnvironment: inputs.production && !preview,
    },
    environmentUrl: startEnvironmentUrl(inputs),
  };
}

/** The status `start` sets: in progress, linking the run. Earlier deployments stay active until this one succeeds. */
export function inProgressStatus(plan: StartPlan, logUrl: string): NewDeploymentStatus {
  return {
    state: 'in_progress',
    description: shorten(`Deploying ${plan.deployment.ref.slice(0, 12)}`),
    ...(logUrl === '' ? {} : { logUrl }),
    autoInactive: false,
  };
}

const STOPPED = 'The pipeline stopped before the rollout ended';

/**
 * The status `finish` sets. Success carries the environment URL and lets GitHub deactivate the deployments
 * it replaced; a failure never does, because after a failed or rolled-back rollout the previous deployment
 * is what still runs.
 */
export function finalStatus(inputs: FinishInputs, logUrl: string): NewDeploymentStatus {
  const link = logUrl === '' ? {} : { logUrl };
  if (inputs.result === 'succeeded') {
    return {
      state: 'success',
      description: shorten(inputs.description ?? 'Deployed'),
      ...link,
      ...(inputs['environment-url'] === '' ? {} : { environmentUrl: inputs['environment-url'] }),
      autoInactive: true,
    };
  }
  if (inputs.result === 'superseded') {
    // Another deploy's revision replaced this one before it was judged: it neither failed nor runs.
    const why = `Superseded: ${inputs.description ?? 'another deploy replaced this revision'}`;
    return { state: 'inactive', description: shorten(why), ...link, autoInactive: false };
  }
  const why =
    inputs.result === 'stopped'
      ? STOPPED
      : inputs.result === 'rolled-back'
        ? `Rolled back: ${inputs.description ?? 'the rollout failed'}`
        : (inputs.description ?? 'The rollout failed');
  return { state: 'failure', description: shorten(why), ...link, autoInactive: false };
}
