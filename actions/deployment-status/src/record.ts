import type { Deployment, DeploymentsApi, NewDeploymentStatus } from '../../lib/src/github/index.js';
import type { StartPlan } from './plan.js';

export interface Started {
  deployment: Deployment;
}

/** Creates the deployment, then sets it in progress. */
export async function startDeployment(
  api: DeploymentsApi,
  plan: StartPlan,
  inProgress: NewDeploymentStatus,
): Promise<Started> {
  const deployment = await api.createDeployment(plan.deployment);
  await api.createStatus(deployment.id, inProgress);
  return { deployment };
}

export interface Finished {
  deployment: Deployment;
  /** Earlier deployments of the environment this one replaced, now inactive. */
  deactivated: number[];
}

/**
 * Sets the final status. After a success, earlier deployments of a transient or production environment
 * that are still active are set inactive: GitHub's auto_inactive covers every other environment but never
 * those two. Only older deployments whose latest status is success are touched, so a concurrent newer
 * deployment is left alone.
 */
export async function finishDeployment(
  api: DeploymentsApi,
  deploymentId: number,
  status: NewDeploymentStatus,
): Promise<Finished> {
  const deployment = await api.getDeployment(deploymentId);
  await api.createStatus(deploymentId, status);
  const deactivated: number[] = [];
  const replacesOthers = deployment.transientEnvironment || deployment.productionEnvironment;
  if (status.state !== 'success' || !replacesOthers) return { deployment, deactivated };
  for (const earlier of await api.listDeployments(deployment.environment)) {
    if (earlier.id >= deploymentId) continue;
    if ((await api.latestState(earlier.id)) !== 'success') continue;
    await api.createStatus(earlier.id, {
      state: 'inactive',
      description: `Replaced by deployment ${deploymentId}`,
      autoInactive: false,
    });
    deactivated.push(earlier.id);
  }
  return { deployment, deactivated };
}
