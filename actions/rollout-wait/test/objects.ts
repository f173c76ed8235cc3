import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { Deployment, Pod, ReplicaSet } from '../../lib/src/kubectl/index.js';
import type { RolloutSnapshot } from '../../lib/src/target/index.js';

const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

export type FixtureName =
  | 'deployment-progressing'
  | 'deployment-degraded'
  | 'deployment-suspended'
  | 'pod-imagepullbackoff'
  | 'pod-crashloop'
  | 'pod-pending'
  | 'pod-running-not-ready';

/** A fresh parsed copy of a fixture, free to change. */
export function fixture<T = Pod>(name: FixtureName): T {
  return parse(readFileSync(join(fixturesDir, `${name}.yaml`), 'utf8')) as T;
}

/** The image-pull-back-off pod with its container waiting for another reason, as the kubelet reports it. */
export function podWaiting(reason: string, message: string): Pod {
  const pod = fixture('pod-imagepullbackoff');
  pod.status!.containerStatuses![0]!.state = { waiting: { reason, message } };
  return pod;
}

/** The pending pod as the scheduler leaves one it cannot place. */
export function unschedulablePod(): Pod {
  const pod = fixture('pod-pending');
  pod.status = {
    phase: 'Pending',
    conditions: [
      {
        type: 'PodScheduled',
        status: 'False',
        reason: 'Unschedulable',
        message: '0/3 nodes are available: 3 Insufficient cpu.',
        lastTransitionTime: '2018-12-02T10:16:04Z',
      },
    ],
  };
  return pod;
}

export function readyPod(): Pod {
  const pod = fixture('pod-running-not-ready');
  pod.status!.containerStatuses![0]!.ready = true;
  pod.status!.conditions!.find((c) => c.type === 'Ready')!.status = 'True';
  return pod;
}

/** The progressing Deployment at a revision, its status counts replaced by `status`. */
export function deploymentAt(
  revision: number,
  status: Partial<NonNullable<Deployment['status']>> = {},
): Deployment {
  const d = fixture<Deployment>('deployment-progressing');
  d.metadata.annotations!['deployment.kubernetes.io/revision'] = String(revision);
  d.metadata.generation = revision;
  d.status = { ...d.status, observedGeneration: revision, ...status };
  return d;
}

/**
 * A ReplicaSet of the fixture Deployment, the way the controller names and labels it. `templateOf` is the
 * revision whose template it has: after `rollout undo` to revision 1, revision 3 is revision 1's ReplicaSet.
 */
export function replicaSetOf(deployment: Deployment, revision: number, templateOf = revision): ReplicaSet {
  const hash = `hash${templateOf}`;
  const uid = deployment.metadata.uid;
  if (uid === undefined) throw new Error('replicaSetOf: the Deployment has no uid to own a ReplicaSet by');
  return {
    metadata: {
      name: `${deployment.metadata.name}-${hash}`,
      uid: `rs-uid-${templateOf}`,
      labels: { app: 'guestbook-ui', 'pod-template-hash': hash },
      annotations: { 'deployment.kubernetes.io/revision': String(revision) },
      ownerReferences: [
        {
          kind: 'Deployment',
          name: deployment.metadata.name,
          uid,
          controller: true,
        },
      ],
    },
    spec: {
      replicas: 1,
      selector: deployment.spec.selector,
      template: templateOfRevision(deployment, templateOf),
    },
  };
}

/** The Deployment's template with an image per revision, so that each revision's template differs. */
function templateOfRevision(deployment: Deployment, revision: number) {
  const template = structuredClone(deployment.spec.template);
  const hash = `hash${revision}`;
  template.metadata = {
    ...template.metadata,
    labels: { ...template.metadata?.labels, 'pod-template-hash': hash },
  };
  for (const container of template.spec.containers)
    container.image = `${container.image.split(':')[0]}:r${revision}`;
  return template;
}

/** `pod`, renamed and owned by `rs` as the ReplicaSet controller would make it. */
export function ownedBy(pod: Pod, rs: ReplicaSet, suffix = 'x1'): Pod {
  const uid = rs.metadata.uid;
  if (uid === undefined) throw new Error('ownedBy: the ReplicaSet has no uid to own a pod by');
  const copy = structuredClone(pod);
  copy.metadata = {
    ...copy.metadata,
    name: `${rs.metadata.name}-${suffix}`,
    uid: `${uid}-${suffix}`,
    labels: { ...rs.metadata.labels },
    ownerReferences: [{ kind: 'ReplicaSet', name: rs.metadata.name, uid, controller: true }],
  };
  return copy;
}

/**
 * A rollout of revision 2 over revision 1 (1 desired replica): the new ReplicaSet's pod in `newPodState`,
 * the old one still ready.
 */
export function rolloutWithNewPod(
  newPodState: Pod,
  status: Partial<NonNullable<Deployment['status']>> = {},
): RolloutSnapshot {
  const deployment = deploymentAt(2, {
    replicas: 2,
    updatedReplicas: 1,
    readyReplicas: 1,
    availableReplicas: 1,
    ...status,
  });
  const oldRs = replicaSetOf(deployment, 1);
  const newRs = replicaSetOf(deployment, 2);
  return {
    deployment,
    replicaSets: [oldRs, newRs],
    pods: [ownedBy(readyPod(), oldRs, 'old'), ownedBy(newPodState, newRs, 'new')],
  };
}

/**
 * A finished rollout of `revision`: its one pod ready, the ReplicaSet (with the template of revision
 * `templateOf`, as after an undo) available, and an older ReplicaSet of revision `older` left scaled down.
 */
export function completeRollout(
  revision: number,
  templateOf = revision,
  older = revision - 1,
): RolloutSnapshot {
  const deployment = deploymentAt(revision, {
    replicas: 1,
    updatedReplicas: 1,
    readyReplicas: 1,
    availableReplicas: 1,
  });
  const rs = replicaSetOf(deployment, revision, templateOf);
  rs.status = { replicas: 1, readyReplicas: 1, availableReplicas: 1 };
  return { deployment, replicaSets: [replicaSetOf(deployment, older), rs], pods: [ownedBy(readyPod(), rs)] };
}
