import {
  CHANGE_CAUSE_ANNOTATION,
  type Kubectl,
  revisionOf,
  templateHashOf,
} from '../../lib/src/kubectl/index.js';
import { KubectlTarget } from '../../lib/src/target/index.js';

export interface RolloutRevision {
  revision: number;
  replicaSet: string;
  /** The controller's hash of the revision's pod template: it names the revision across `rollout undo`. */
  podTemplateHash: string;
  images: Record<string, string>;
  changeCause?: string;
}

/** The Deployment's revisions from its ReplicaSets, oldest first: what `kubectl rollout history` reads. */
export async function rolloutHistory(
  kubectl: Kubectl,
  namespace: string,
  deployment: string,
): Promise<RolloutRevision[]> {
  const target = new KubectlTarget(kubectl);
  const current = await target.deployment(namespace, deployment);
  if (!current) throw new Error(`deployment ${namespace}/${deployment} does not exist`);
  return (await target.replicaSetsOf(namespace, current))
    .map((rs) => ({
      revision: revisionOf(rs) ?? 0,
      replicaSet: rs.metadata.name,
      podTemplateHash: templateHashOf(rs) ?? '',
      images: Object.fromEntries(rs.spec.template.spec.containers.map((c) => [c.name, c.image])),
      changeCause: rs.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION],
    }))
    .sort((a, b) => a.revision - b.revision);
}
