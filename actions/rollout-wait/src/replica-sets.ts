import {
  CHANGE_CAUSE_ANNOTATION,
  type Deployment,
  ownedReplicaSets,
  type ReplicaSet,
  revisionOf,
  specObserved,
  templateHashOf,
} from '../../lib/src/kubectl/index.js';

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

/** The revision a watch judges: what ssh-set-image set. The template hash survives a `rollout undo`; the number does not. */
export interface RevisionIdentity {
  revision?: number;
  podTemplateHash?: string;
}

export function describeIdentity(identity: RevisionIdentity): string {
  const hash = identity.podTemplateHash ? `pod-template-hash ${identity.podTemplateHash}` : undefined;
  if (identity.revision === undefined) return hash ?? 'the revision';
  return `revision ${identity.revision}${hash ? ` (${hash})` : ''}`;
}

function isJudged(replicaSet: ReplicaSet, identity: RevisionIdentity): boolean {
  if (identity.podTemplateHash !== undefined) return templateHashOf(replicaSet) === identity.podTemplateHash;
  return revisionOf(replicaSet) === identity.revision;
}

/**
 * What replaced the judged revision, once the controller has made another ReplicaSet the Deployment's
 * current one; undefined while the judged revision is still current (or no verdict is possible yet).
 */
export function supersededBy(
  deployment: Deployment,
  replicaSets: readonly ReplicaSet[],
  identity: RevisionIdentity,
): string | undefined {
  const current = newReplicaSet(deployment, replicaSets);
  if (current === undefined || isJudged(current, identity)) return undefined;
  const cause = deployment.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION];
  return (
    `${describeIdentity(identity)} is no longer the Deployment's: revision ${revisionOf(current) ?? '?'} ` +
    `(ReplicaSet ${current.metadata.name}${cause ? `, change-cause "${cause}"` : ''}) replaced it`
  );
}

/** The owned ReplicaSet of the given revision number. */
export function replicaSetOfRevision(
  deployment: Deployment,
  replicaSets: readonly ReplicaSet[],
  revision: number,
): ReplicaSet | undefined {
  return ownedReplicaSets(deployment, replicaSets).find((rs) => revisionOf(rs) === revision);
}
