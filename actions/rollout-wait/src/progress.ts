import { conditionOf, type Deployment, type ReplicaSet, specObserved } from '../../lib/src/kubectl/index.js';

/** Where the rollout stands, counted on the new ReplicaSet's pods: old pods that still serve are not progress. */
export interface RolloutProgress {
  desired: number;
  /** Pods of the new ReplicaSet. */
  updated: number;
  /** Of those, ready and available: the Deployment's own counts mix in the old pods. */
  ready: number;
  available: number;
  /** All pods of the Deployment, old and new: above `updated` while old pods still run or terminate. */
  total: number;
}

/** The Deployment's own counts, old pods included: what `kubectl rollout status` judges. */
function deploymentCounts(deployment: Deployment): RolloutProgress {
  const status = deployment.status ?? {};
  return {
    desired: deployment.spec?.replicas ?? 1,
    updated: status.updatedReplicas ?? 0,
    ready: status.readyReplicas ?? 0,
    available: status.availableReplicas ?? 0,
    total: status.replicas ?? 0,
  };
}

export function progressOf(deployment: Deployment, newReplicaSet: ReplicaSet | undefined): RolloutProgress {
  const counts = deploymentCounts(deployment);
  const status = newReplicaSet?.status ?? {};
  return { ...counts, ready: status.readyReplicas ?? 0, available: status.availableReplicas ?? 0 };
}

export function formatProgress(p: RolloutProgress): string {
  const old = p.total - p.updated;
  return (
    `${p.updated}/${p.desired} new pods, ${p.ready} ready, ${p.available} available` +
    (old > 0 ? `; ${old} old pod${old === 1 ? '' : 's'} left` : '')
  );
}

export function sameProgress(a: RolloutProgress | undefined, b: RolloutProgress): boolean {
  return (
    a !== undefined &&
    a.desired === b.desired &&
    a.updated === b.updated &&
    a.ready === b.ready &&
    a.available === b.available &&
    a.total === b.total
  );
}

export type DeploymentState =
  | { state: 'waiting'; message: string }
  | { state: 'complete' }
  | { state: 'deadline-exceeded'; message: string }
  | { state: 'replica-failure'; message: string };

/**
 * True when a ProgressDeadlineExceeded message names a ReplicaSet other than `current`. The controller
 * does not rewrite the condition while its reason stays the same: after `rollout undo` to an existing
 * ReplicaSet it still names the one rolled back from, until the Deployment completes.
 */
function deadlineOfAnotherReplicaSet(message: string | undefined, current: string | undefined): boolean {
  if (current === undefined) return false;
  const named = /^ReplicaSet "([^"]+)" has timed out progressing/.exec(message ?? '')?.[1];
  return named !== undefined && named !== current;
}

/**
 * Where the Deployment's own status says the rollout is, with the checks `kubectl rollout status` makes,
 * plus the ReplicaFailure condition (pods that cannot even be created, e.g. refused by admission). With
 * `currentReplicaSet`, a progress deadline reported for another ReplicaSet is not this rollout's.
 */
export function deploymentState(deployment: Deployment, currentReplicaSet?: string): DeploymentState {
  if (!specObserved(deployment)) {
    return { state: 'waiting', message: 'waiting for the controller to observe the new spec' };
  }
  const conditions = deployment.status?.conditions;
  const progressing = conditionOf(conditions, 'Progressing');
  if (
    progressing?.reason === 'ProgressDeadlineExceeded' &&
    !deadlineOfAnotherReplicaSet(progressing.message, currentReplicaSet)
  ) {
    return { state: 'deadline-exceeded', message: progressing.message ?? 'progress deadline exceeded' };
  }
  const replicaFailure = conditionOf(conditions, 'ReplicaFailure');
  if (replicaFailure?.status === 'True') {
    return {
      state: 'replica-failure',
      message: `${replicaFailure.reason ?? 'ReplicaFailure'}: ${replicaFailure.message ?? ''}`.trim(),
    };
  }
  const p = deploymentCounts(deployment);
  // A paused Deployment makes no progress and never reaches its deadline: say so while waiting.
  const paused = deployment.spec?.paused ? ' (the Deployment is paused: kubectl rollout resume)' : '';
  if (paused && (p.updated < p.desired || p.total > p.updated || p.available < p.updated)) {
    return { state: 'waiting', message: `no progress while paused${paused}` };
  }
  if (p.updated < p.desired)
    return { state: 'waiting', message: `${p.updated} of ${p.desired} new replicas updated` };
  if (p.total > p.updated)
    return { state: 'waiting', message: `${p.total - p.updated} old replicas pending termination` };
  if (p.available < p.updated) {
    return { state: 'waiting', message: `${p.available} of ${p.updated} updated replicas available` };
  }
  return { state: 'complete' };
}
