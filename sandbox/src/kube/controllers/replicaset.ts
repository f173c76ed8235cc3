import type { ApiObjects } from '../api/objects.js';
import { findResource } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import type { EventRecorder } from './events.js';
import {
  condition,
  controllerRef,
  isActivePod,
  isControlledBy,
  podIsAvailable,
  podIsReady,
} from './owners.js';

const replicaSets = findResource('apps', 'v1', 'replicasets')!;
const pods = findResource('', 'v1', 'pods')!;

const phaseRank: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function restarts(pod: KubeObject): number {
  return (pod.status?.containerStatuses ?? []).reduce(
    (n: number, s: { restartCount?: number }) => n + (s.restartCount ?? 0),
    0,
  );
}

/** The order the real controller deletes pods in when scaling down: the least useful first. */
function deletionOrder(a: KubeObject, b: KubeObject): number {
  const phase =
    (phaseRank[a.status?.phase ?? 'Pending'] ?? 0) - (phaseRank[b.status?.phase ?? 'Pending'] ?? 0);
  if (phase) return phase;
  const ready = Number(podIsReady(a)) - Number(podIsReady(b));
  if (ready) return ready;
  const restart = restarts(b) - restarts(a);
  if (restart) return restart;
  return (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '');
}

/** Keeps spec.replicas pods of each ReplicaSet's template alive and reports their counts in its status. */
export class ReplicaSetController {
  constructor(
    private readonly objects: ApiObjects,
    private readonly events: EventRecorder,
  ) {}

  syncAll(): void {
    for (const rs of this.objects.store.list(replicaSets)) this.sync(rs);
  }

  private podsOf(rs: KubeObject): KubeObject[] {
    return this.objects.store
      .list(pods, { namespace: rs.metadata.namespace })
      .filter((p) => isControlledBy(p, rs));
  }

  sync(rs: KubeObject): void {
    if (rs.metadata.deletionTimestamp) return;
    const active = this.podsOf(rs).filter(isActivePod);
    const want = rs.spec?.replicas ?? 1;
    if (active.length < want) {
      for (let i = active.length; i < want; i++) this.createPod(rs);
    } else if (active.length > want) {
      for (const pod of [...active].sort(deletionOrder).slice(0, active.length - want)) {
        this.objects.delete(pods, pod.metadata.namespace, pod.metadata.name!);
        this.events.record(
          rs,
          'Normal',
          'SuccessfulDelete',
          `Deleted pod: ${pod.metadata.name}`,
          'replicaset-controller',
        );
      }
    }
    this.updateStatus(rs);
  }

  private createPod(rs: KubeObject): void {
    const template = rs.spec.template ?? {};
    const pod = this.objects.create(pods, rs.metadata.namespace, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: `${rs.metadata.name}-`,
        namespace: rs.metadata.namespace,
        labels: { ...template.metadata?.labels },
        ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
        ownerReferences: [controllerRef(rs)],
      },
      spec: structuredClone(template.spec),
    });
    this.events.record(
      rs,
      'Normal',
      'SuccessfulCreate',
      `Created pod: ${pod.metadata.name}`,
      'replicaset-controller',
    );
  }

  private updateStatus(rs: KubeObject): void {
    const current = this.objects.store.tryGet(replicaSets, rs.metadata.namespace, rs.metadata.name!);
    if (!current) return;
    const active = this.podsOf(current).filter(isActivePod);
    const minReady = current.spec?.minReadySeconds ?? 0;
    const ready = active.filter(podIsReady).length;
    const available = active.filter((p) => podIsAvailable(p, minReady)).length;
    const status: Record<string, unknown> = {
      replicas: active.length,
      fullyLabeledReplicas: active.length,
      ...(ready ? { readyReplicas: ready } : {}),
      ...(available ? { availableReplicas: available } : {}),
      observedGeneration: current.metadata.generation,
    };
    if (condition(current, 'ReplicaFailure')) status.conditions = current.status.conditions;
    this.objects.store.update(replicaSets, { ...current, status }, 'status');
  }
}
