import type { DeployTarget } from '../../lib/src/target/index.js';

/**
 * What the rollout watcher needs of the deploy target (lib/src/target): the action hands it the
 * KubectlTarget, unit tests a fake. Errors are ClusterErrors; the watcher retries the transient ones.
 */
export type RolloutCluster = Pick<
  DeployTarget,
  'snapshot' | 'podEvents' | 'containerLogs' | 'patchDeployment'
> & {
  /** The same cluster, every call of which ends by the wall-clock `deadline` (see DeployTarget.until). */
  until(deadline: number): RolloutCluster;
};
