/*
 * GitHub's half of ending a preview: its deployments marked inactive (so the pull request and the
 * environments page stop linking a dead URL), then its environment deleted. Run again, it changes nothing
 * and says so.
 */
import type { DeploymentsApi, EnvironmentDeletion } from './deployments-api.js';

/** The inactive statuses' description unless the caller gives one. */
export const PREVIEW_ENDED = 'The preview environment was removed';

export interface InactiveStatusOptions {
  /** The statuses' description (GitHub allows 140 characters), e.g. `Branch feature/cart was deleted`. */
  description?: string;
  /** The run that ended the preview. */
  logUrl?: string;
}

export interface DeactivationCount {
  /** Deployments this call set inactive. */
  marked: number;
  /** Deployments whose latest status was inactive already. */
  alreadyInactive: number;
}

/**
 * Sets every deployment of the environment inactive, all pages of them, except those already inactive. A
 * deployment still in progress is set inactive too: the preview it would serve is being removed.
 */
export async function markDeploymentsInactive(
  api: Pick<DeploymentsApi, 'listAllDeployments' | 'latestState' | 'createStatus'>,
  environment: string,
  options: InactiveStatusOptions = {},
): Promise<DeactivationCount> {
  const count: DeactivationCount = { marked: 0, alreadyInactive: 0 };
  for (const deployment of await api.listAllDeployments(environment)) {
    if ((await api.latestState(deployment.id)) === 'inactive') {
      count.alreadyInactive += 1;
      continue;
    }
    await api.createStatus(deployment.id, {
      state: 'inactive',
      description: options.description ?? PREVIEW_ENDED,
      ...(options.logUrl === undefined ? {} : { logUrl: options.logUrl }),
      autoInactive: false,
    });
    count.marked += 1;
  }
  return count;
}

export interface PreviewTeardownOptions extends InactiveStatusOptions {
  /** false: only mark the deployments inactive and keep the environment (default true). */
  deleteEnvironment?: boolean;
}

export interface PreviewTeardownReport {
  environment: string;
  deployments: DeactivationCount;
  /** `kept` when the caller asked to keep it; a refusal carries the message to print. */
  environmentDeletion: EnvironmentDeletion | { result: 'kept' };
  /** Nothing was left to do: no deployment to mark and no environment to delete (a second run). */
  nothingToDo: boolean;
}

/**
 * Marks the environment's deployments inactive, then deletes the environment. The statuses come first:
 * they need only `deployments: write`, so a token that may not delete the environment still ends the
 * preview's deployments, and the refusal is reported, not thrown.
 */
export async function tearDownPreviewEnvironment(
  api: Pick<DeploymentsApi, 'listAllDeployments' | 'latestState' | 'createStatus' | 'deleteEnvironment'>,
  environment: string,
  options: PreviewTeardownOptions = {},
): Promise<PreviewTeardownReport> {
  const deployments = await markDeploymentsInactive(api, environment, options);
  const environmentDeletion =
    options.deleteEnvironment === false
      ? ({ result: 'kept' } as const)
      : await api.deleteEnvironment(environment);
  return {
    environment,
    deployments,
    environmentDeletion,
    nothingToDo: deployments.marked === 0 && environmentDeletion.result === 'absent',
  };
}

const deploymentCount = (n: number) => (n === 1 ? '1 deployment' : `${n} deployments`);
const was = (n: number) => (n === 1 ? 'was' : 'were');

/** The report as one line for the log; a refusal's own message says what token can delete environments. */
export function describePreviewTeardown(report: PreviewTeardownReport): string {
  const { environment, deployments, environmentDeletion } = report;
  const { marked, alreadyInactive } = deployments;
  if (report.nothingToDo) {
    const inactive =
      alreadyInactive === 0
        ? 'it has no deployments'
        : `its ${deploymentCount(alreadyInactive)} ${was(alreadyInactive)} already inactive`;
    return `GitHub environment '${environment}': nothing to do, ${inactive} and the environment was already gone.`;
  }
  const markedLine =
    `${deploymentCount(marked)} marked inactive` +
    (alreadyInactive === 0 ? '' : ` (${alreadyInactive} already ${was(alreadyInactive)})`);
  const deletion = {
    deleted: 'the environment deleted',
    absent: 'the environment was already gone',
    kept: 'the environment kept, as asked',
    'not-permitted': 'the environment kept: the token may not delete it',
  }[environmentDeletion.result];
  return `GitHub environment '${environment}': ${markedLine}; ${deletion}.`;
}
