import type {
  Deployment,
  KubeEvent,
  LabelSelector,
  Namespace,
  Pod,
  ReplicaSet,
  Service,
} from '../kubectl/resources.js';

/** What one poll of a rollout reads: the Deployment, and the ReplicaSets and pods its selector matches. */
export interface RolloutSnapshot {
  deployment: Deployment;
  replicaSets: ReplicaSet[];
  pods: Pod[];
}

/** RFC 6902 operations. */
export type JsonPatch = { op: 'test' | 'add' | 'replace' | 'remove'; path: string; value?: unknown }[];

/**
 * The cluster a deploy acts on, reached locally or over SSH (`openTarget`): every operation the actions
 * need, in the cluster's words. Each fails with a ClusterError whose kind says whether asking again may
 * help; reads may be re-run on a fresh connection after a cut, writes never are.
 */
export interface DeployTarget {
  /** The Deployment, or undefined when it (or its namespace) does not exist. */
  deployment(namespace: string, name: string): Promise<Deployment | undefined>;
  /** The ReplicaSets the Deployment controls (by owner uid: a same-named older Deployment's are not). */
  replicaSetsOf(namespace: string, deployment: Deployment): Promise<ReplicaSet[]>;
  /** The Deployment, and the ReplicaSets and pods its selector matches. */
  snapshot(namespace: string, deployment: string): Promise<RolloutSnapshot>;
  /** Sets container images: one change, one new revision. */
  setImage(namespace: string, deployment: string, images: Readonly<Record<string, string>>): Promise<void>;
  /** Records why the current revision exists; `kubectl rollout history` shows it as CHANGE-CAUSE. */
  annotateChangeCause(namespace: string, deployment: string, cause: string): Promise<void>;
  /** Applies manifests (YAML); returns kubectl's lines (`deployment.apps/x created`). */
  apply(manifests: string): Promise<string[]>;
  /** A JSON patch: all operations apply, or none (a failed `test` refuses the whole patch). */
  patchDeployment(namespace: string, deployment: string, patch: JsonPatch): Promise<void>;
  /**
   * Deletes the Deployment and resolves once its pods are gone; `absent` when there was none. Fails
   * (transient) after `timeoutSeconds`.
   */
  deleteDeployment(namespace: string, name: string, timeoutSeconds: number): Promise<'deleted' | 'absent'>;
  /** The Service, or undefined when it (or its namespace) does not exist. */
  service(namespace: string, name: string): Promise<Service | undefined>;
  /** A JSON patch of a Service (its selector: where traffic goes), all or nothing. */
  patchService(namespace: string, name: string, patch: JsonPatch): Promise<void>;
  /** The namespace, or undefined when there is none of that name. */
  namespace(name: string): Promise<Namespace | undefined>;
  /** The namespaces whose labels match, e.g. every preview. */
  namespaces(selector: LabelSelector): Promise<Namespace[]>;
  /**
   * Deletes the namespace and everything in it, and resolves once it is gone (finalizers included):
   * `deleted`, or `absent` when there was nothing to delete. Fails (transient) after `timeoutSeconds`.
   */
  deleteNamespace(name: string, timeoutSeconds: number): Promise<'deleted' | 'absent'>;
  /** Events about one pod, oldest first. */
  podEvents(namespace: string, pod: string): Promise<KubeEvent[]>;
  /** The last lines a container printed; of its previous instance when `previous` (after a crash). */
  containerLogs(
    namespace: string,
    pod: string,
    container: string,
    options: { tailLines: number; previous: boolean },
  ): Promise<string>;
  /**
   * The same cluster, every call of which ends by the wall-clock `deadline` (epoch ms): a call still
   * running then rejects with AbortedError, reconnects included.
   */
  until(deadline: number): DeployTarget;
}
