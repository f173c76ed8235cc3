import {
  type Deployment,
  type ObjectMeta,
  type Pod,
  type ReplicaSet,
  revisionOf,
  TEMPLATE_HASH_LABEL,
} from '../../lib/src/kubectl/index.js';

function controllerUid(meta: ObjectMeta): string | undefined {
  return meta.ownerReferences?.find((ref) => ref.controller)?.uid;
}

/** ReplicaSets whose controller is this Deployment (by uid: a same-named older Deployment is not it). */
export function ownedReplicaSets(deployment: Deployment, replicaSets: readonly ReplicaSet[]): ReplicaSet[] {
  const uid = deployment.metadata.uid;
  return replicaSets.filter((rs) => uid !== undefined && controllerUid(rs.metadata) === uid);
}

/** True once the Deployment controller has acted on the latest spec change. */
export function specObserved(deployment: Deployment): boolean {
  const generation = deployment.metadata.generation ?? 0;
  return (deployment.status?.observedGeneration ?? 0) >= generation;
}

/**
 * The ReplicaSet of the Deployment's current revision. Only meaningful once the controller observed the
 * latest generation: before that, the revision annotation still names the previous rollout.
 */
export function newReplicaSet(
  deployment: Deployment,
  replicaSets: readonly ReplicaSet[],
): ReplicaSet | undefined {
  if (!specObserved(deployment)) return undefined;
  const revision = revisionOf(deployment);
  if (revision === undefined) return undefined;
  return ownedReplicaSets(deployment, replicaSets).find((rs) => revisionOf(rs) === revision);
}

/**
 * The revision to roll back to: the highest one below the current revision, which is what
 * `kubectl rollout undo` without `--to-revision` would pick. Undefined on a first deploy.
 */
export function previousRevision(
  deployment: Deployment,
  replicaSets: readonly ReplicaSet[],
): number | undefined {
  const current = revisionOf(deployment);
  if (current === undefined) return undefined;
  const older = ownedReplicaSets(deployment, replicaSets)
    .map(revisionOf)
    .filter((r): r is number => r !== undefined && r < current);
  return older.length === 0 ? undefined : Math.max(...older);
}

/** Pods controlled by the ReplicaSet: by owner uid, or by template hash when the owner has no uid. */
export function podsOf(replicaSet: ReplicaSet, pods: readonly Pod[]): Pod[] {
  const uid = replicaSet.metadata.uid;
  const hash = replicaSet.metadata.labels?.[TEMPLATE_HASH_LABEL];
  return pods.filter((pod) => {
    const owner = controllerUid(pod.metadata);
    if (uid !== undefined && owner !== undefined) return owner === uid;
    return hash !== undefined && pod.metadata.labels?.[TEMPLATE_HASH_LABEL] === hash;
  });
}
