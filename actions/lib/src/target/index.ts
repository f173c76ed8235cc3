// The deploy target: one way to reach a cluster (locally or over SSH) and act on it. See ../../README.md.

export { getTargetConnectionInputs, type TargetConnectionOptions } from './connection-inputs.js';
export type { DeployTarget, JsonPatch, RolloutSnapshot } from './deploy-target.js';
export {
  type KubectlRun,
  KubectlTarget,
  type KubectlTargetOptions,
  selectorArgument,
} from './kubectl-target.js';
export {
  type ObservedRevisionWait,
  type Revision,
  revisionOfSet,
  waitForObservedRevision,
} from './observed-revision.js';
export {
  type OpenKubectl,
  type OpenTarget,
  type OpenTargetOptions,
  openKubectl,
  openTarget,
  type TargetConnection,
} from './open-target.js';
