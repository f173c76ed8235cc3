/*
 * The few fields of Kubernetes objects the actions read, as the API server returns them. Kept minimal on
 * purpose: every field here is one the code actually uses. Fields the API may omit (a fresh Deployment
 * has no status.replicas, a pod that never started has no containerStatuses) are optional.
 */

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  ownerReferences?: { kind: string; name: string; uid: string; controller?: boolean }[];
}

export interface Namespace {
  metadata: ObjectMeta;
  status?: { phase?: 'Active' | 'Terminating' };
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface Container {
  name: string;
  image: string;
  readinessProbe?: { initialDelaySeconds?: number };
}

export interface PodTemplateSpec {
  metadata?: Partial<ObjectMeta>;
  spec: { containers: Container[]; initContainers?: Container[] };
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

export interface Deployment {
  apiVersion?: string;
  kind?: 'Deployment';
  metadata: ObjectMeta;
  spec: {
    replicas?: number;
    selector: LabelSelector;
    template: PodTemplateSpec;
    progressDeadlineSeconds?: number;
    paused?: boolean;
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    unavailableReplicas?: number;
    conditions?: Condition[];
  };
}

export interface Service {
  metadata: ObjectMeta;
  /** Equality only: a Service selects pods by labels that all match. */
  spec: { selector?: Record<string, string> };
}

export interface ReplicaSet {
  metadata: ObjectMeta;
  spec: { replicas?: number; selector: LabelSelector; template: PodTemplateSpec };
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number };
}

export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { exitCode: number; reason?: string; message?: string; finishedAt?: string };
}

export interface ContainerStatus {
  name: string;
  image: string;
  ready: boolean;
  restartCount: number;
  state?: ContainerState;
  lastState?: ContainerState;
}

export interface Pod {
  metadata: ObjectMeta;
  spec: { containers: Container[]; nodeName?: string };
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    conditions?: Condition[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
}

export interface KubeEvent {
  metadata: ObjectMeta;
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  involvedObject: { kind?: string; name?: string; namespace?: string; uid?: string };
}

export interface List<T> {
  items: T[];
}

/** The annotation the Deployment controller keeps the current revision number in. */
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
/** The annotation `kubectl rollout history` shows as CHANGE-CAUSE. */
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';
/** The label the Deployment controller puts on a ReplicaSet and its pods to tie them to one template. */
export const TEMPLATE_HASH_LABEL = 'pod-template-hash';

export function conditionOf(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** The revision number of a Deployment or ReplicaSet; undefined before the controller gave one. */
export function revisionOf(object: { metadata: ObjectMeta }): number | undefined {
  const raw = object.metadata.annotations?.[REVISION_ANNOTATION];
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}

/** True once the Deployment controller has acted on the latest spec change (its generation observed). */
export function specObserved(deployment: Deployment): boolean {
  const generation = deployment.metadata.generation ?? 0;
  return (deployment.status?.observedGeneration ?? 0) >= generation;
}

function controllerUid(meta: ObjectMeta): string | undefined {
  return meta.ownerReferences?.find((ref) => ref.controller)?.uid;
}

/** The ReplicaSets the Deployment controls, by its uid: a same-named older Deployment's are not its own. */
export function ownedReplicaSets(deployment: Deployment, replicaSets: readonly ReplicaSet[]): ReplicaSet[] {
  const uid = deployment.metadata.uid;
  return replicaSets.filter((rs) => uid !== undefined && controllerUid(rs.metadata) === uid);
}

/** Pods the ReplicaSet controls: by owner uid, or by template hash when the owner has no uid. */
export function podsOf(replicaSet: ReplicaSet, pods: readonly Pod[]): Pod[] {
  const uid = replicaSet.metadata.uid;
  const hash = templateHashOf(replicaSet);
  return pods.filter((pod) => {
    const owner = controllerUid(pod.metadata);
    if (uid !== undefined && owner !== undefined) return owner === uid;
    return hash !== undefined && pod.metadata.labels?.[TEMPLATE_HASH_LABEL] === hash;
  });
}

/** The controller's hash of a ReplicaSet's pod template: it names a revision across `rollout undo`. */
export function templateHashOf(replicaSet: ReplicaSet): string | undefined {
  return replicaSet.metadata.labels?.[TEMPLATE_HASH_LABEL];
}

/** The revision number the Deployment controller gave the current template (0 before the first). */
export function deploymentRevision(deployment: Deployment): number {
  return revisionOf(deployment) ?? 0;
}

/** Container name → image of the Deployment's pod template. */
export function deploymentImages(deployment: Deployment): Record<string, string> {
  return Object.fromEntries(deployment.spec.template.spec.containers.map((c) => [c.name, c.image]));
}
