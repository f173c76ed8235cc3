/** The few shapes the sandbox reads; everything else in an object is kept as given. */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  // biome-ignore lint/suspicious/noExplicitAny: objects are open-ended JSON; each reader narrows what it uses
  spec?: any;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  status?: any;
  [key: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  /** Key of the resource in the catalogue, e.g. `apps/deployments`. */
  resource: string;
  object: KubeObject;
  /** The object before the change (MODIFIED only), used to tell selector enter/leave apart. */
  previous?: KubeObject;
  resourceVersion: number;
}

export function isoNow(date = new Date()): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}
