import type { KubeEvent } from '../../lib/src/kubectl/index.js';
import type { RolloutSnapshot } from './assess.js';

/**
 * What the rollout watcher needs from a cluster. The action implements it with kubectl (local with a
 * kubeconfig, or on the control-plane node over SSH); unit tests with a fake.
 */
export interface RolloutCluster {
  /** The Deployment, and the ReplicaSets and pods its selector matches. */
  snapshot(namespace: string, deployment: string): Promise<RolloutSnapshot>;
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
  until(deadline: number): RolloutCluster;
  /** `kubectl patch --type=json`: all operations apply, or none (a failed `test` refuses the whole patch). */
  patchDeployment(namespace: string, deployment: string, patch: JsonPatch): Promise<void>;
}

/** RFC 6902 operations. */
export type JsonPatch = { op: 'test' | 'add' | 'replace' | 'remove'; path: string; value?: unknown }[];

/**
 * An error talking to the cluster. Transient ones (5xx, 410 Gone, a dropped connection, a timeout) are
 * retried by the watcher; the others (not found, forbidden, unauthorized) are the user's to fix.
 */
export class ClusterError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'ClusterError';
  }
}
