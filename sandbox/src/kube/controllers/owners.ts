import type { KubeObject, OwnerReference } from '../api/types.js';

export function controllerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion!,
    kind: owner.kind!,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function isControlledBy(object: KubeObject, owner: KubeObject): boolean {
  return object.metadata.ownerReferences?.some((o) => o.controller && o.uid === owner.metadata.uid) ?? false;
}

// biome-ignore lint/suspicious/noExplicitAny: conditions are read from open-ended status JSON
export function condition(object: KubeObject, type: string): any {
  return (object.status?.conditions ?? []).find((c: { type: string }) => c.type === type);
}

export function podIsReady(pod: KubeObject): boolean {
  return condition(pod, 'Ready')?.status === 'True';
}

/** Ready for at least minReadySeconds: what counts as available for ReplicaSets and Deployments. */
export function podIsAvailable(pod: KubeObject, minReadySeconds: number, now = Date.now()): boolean {
  const ready = condition(pod, 'Ready');
  if (ready?.status !== 'True') return false;
  if (!minReadySeconds) return true;
  return now - Date.parse(ready.lastTransitionTime) >= minReadySeconds * 1000;
}

export function isActivePod(pod: KubeObject): boolean {
  const phase = pod.status?.phase;
  return !pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}
