import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { alreadyExists, conflict, expired, notFound } from './errors.js';
import { type ResourceType, resourceKey } from './resources.js';
import { type FieldRequirement, type LabelSelector, matchesFields, matchesLabels } from './selectors.js';
import { clone, isoNow, type KubeObject, type StoreEvent } from './types.js';

export type StoreListener = (event: StoreEvent) => void;

export interface ListOptions {
  namespace?: string;
  labels?: LabelSelector;
  fields?: FieldRequirement[];
}

const randomAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** Five characters from the alphabet Kubernetes uses for generated names (no vowels, no look-alikes). */
export function randomSuffix(length = 5): string {
  let out = '';
  for (let i = 0; i < length; i++) out += randomAlphabet[Math.floor(Math.random() * randomAlphabet.length)];
  return out;
}

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/** Everything outside metadata and status: a change here bumps metadata.generation. */
function specPart(object: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = object;
  return rest;
}

/**
 * The in-memory object store: one global resourceVersion counter, uids, creation timestamps, generation
 * bumps on spec changes, optimistic concurrency, and a bounded history of changes so that watches can
 * resume from a resourceVersion (older than the history → 410 Expired, as etcd compaction gives).
 */
export class ObjectStore {
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<StoreListener>();
  private revision = 1;
  /** Changes up to this resourceVersion are no longer in the history. */
  private forgottenUpTo = 0;

  constructor(private readonly historyLimit = 5000) {}

  get resourceVersion(): number {
    return this.revision;
  }

  private bucket(type: ResourceType): Map<string, KubeObject> {
    const key = resourceKey(type);
    let bucket = this.objects.get(key);
    if (!bucket) {
      bucket = new Map();
      this.objects.set(key, bucket);
    }
    return bucket;
  }

  private emit(type: ResourceType, event: Omit<StoreEvent, 'resource' | 'resourceVersion'>): void {
    const full: StoreEvent = { ...event, resource: resourceKey(type), resourceVersion: this.revision };
    this.history.push(full);
    if (this.history.length > this.historyLimit) this.forgottenUpTo = this.history.shift()!.resourceVersion;
    for (const listener of [...this.listeners]) listener(full);
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Changes after `resourceVersion`, or 410 Expired when the history no longer reaches back that far. */
  eventsSince(resourceVersion: number): StoreEvent[] {
    if (resourceVersion < this.forgottenUpTo) throw expired(resourceVersion, this.forgottenUpTo);
    return this.history.filter((e) => e.resourceVersion > resourceVersion);
  }

  /** Forgets the change history, as an etcd compaction does: watches from older versions then get 410. */
  compact(): void {
    this.history.length = 0;
    this.forgottenUpTo = this.revision;
  }

  tryGet(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.bucket(type).get(objectKey(type.namespaced ? namespace : undefined, name));
    return found ? clone(found) : undefined;
  }

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const found = this.tryGet(type, namespace, name);
    if (!found) throw notFound(type, name);
    return found;
  }

  list(type: ResourceType, options: ListOptions = {}): KubeObject[] {
    const items: KubeObject[] = [];
    for (const object of this.bucket(type).values()) {
      if (type.namespaced && options.namespace && object.metadata.namespace !== options.namespace) continue;
      if (options.labels && !matchesLabels(options.labels, object.metadata.labels)) continue;
      if (options.fields && !matchesFields(options.fields, object)) continue;
      items.push(clone(object));
    }
    return items.sort((a, b) =>
      objectKey(a.metadata.namespace, a.metadata.name!).localeCompare(
        objectKey(b.metadata.namespace, b.metadata.name!),
      ),
    );
  }

  create(type: ResourceType, input: KubeObject): KubeObject {
    const object = clone(input);
    const meta = object.metadata;
    if (!meta.name && meta.generateName) {
      do meta.name = `${meta.generateName}${randomSuffix()}`;
      while (this.bucket(type).has(objectKey(meta.namespace, meta.name)));
    }
    if (!type.namespaced) delete meta.namespace;
    const key = objectKey(meta.namespace, meta.name!);
    if (this.bucket(type).has(key)) throw alreadyExists(type, meta.name!);
    this.revision++;
    meta.uid = randomUUID();
    meta.resourceVersion = String(this.revision);
    meta.creationTimestamp = isoNow();
    if (type.kind !== 'Event') meta.generation = 1;
    delete meta.deletionTimestamp;
    this.bucket(type).set(key, object);
    this.emit(type, { type: 'ADDED', object: clone(object) });
    return clone(object);
  }

  /**
   * Replaces an object. A resourceVersion in `input` must match the stored one (409 Conflict otherwise).
   * `part` says which half of a resource with a status subresource the write may change.
   */
  update(type: ResourceType, input: KubeObject, part: 'main' | 'status' = 'main'): KubeObject {
    const name = input.metadata.name!;
    const key = objectKey(type.namespaced ? input.metadata.namespace : undefined, name);
    const stored = this.bucket(type).get(key);
    if (!stored) throw notFound(type, name);
    if (
      input.metadata.resourceVersion &&
      input.metadata.resourceVersion !== stored.metadata.resourceVersion
    ) {
      throw conflict(type, name);
    }
    let next = clone(input);
    if (type.hasStatus && part === 'main') {
      if (stored.status === undefined) delete next.status;
      else next.status = clone(stored.status);
    }
    if (part === 'status') next = { ...clone(stored), status: clone(input.status) };
    // Fields the server owns cannot be changed by writers.
    next.metadata = {
      ...next.metadata,
      uid: stored.metadata.uid,
      creationTimestamp: stored.metadata.creationTimestamp,
      namespace: stored.metadata.namespace,
      name: stored.metadata.name,
      resourceVersion: stored.metadata.resourceVersion,
    };
    if (stored.metadata.deletionTimestamp)
      next.metadata.deletionTimestamp = stored.metadata.deletionTimestamp;
    if (!type.namespaced) delete next.metadata.namespace;
    if (stored.metadata.generation !== undefined) {
      next.metadata.generation = stored.metadata.generation;
      if (!isDeepStrictEqual(specPart(next), specPart(stored))) next.metadata.generation++;
    }
    if (isDeepStrictEqual(next, stored)) return clone(stored);
    this.revision++;
    next.metadata.resourceVersion = String(this.revision);
    this.bucket(type).set(key, next);
    this.emit(type, { type: 'MODIFIED', object: clone(next), previous: clone(stored) });
    const finalized =
      (stored.metadata.finalizers ?? []).length > 0 && (next.metadata.finalizers ?? []).length === 0;
    if (next.metadata.deletionTimestamp && finalized && type.kind !== 'Pod') {
      return this.remove(type, next.metadata.namespace, name);
    }
    return clone(next);
  }

  /** Removes an object now and returns it as last seen, with the resourceVersion of its deletion. */
  remove(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const key = objectKey(type.namespaced ? namespace : undefined, name);
    const stored = this.bucket(type).get(key);
    if (!stored) throw notFound(type, name);
    this.bucket(type).delete(key);
    this.revision++;
    const gone = clone(stored);
    gone.metadata.resourceVersion = String(this.revision);
    this.emit(type, { type: 'DELETED', object: clone(gone) });
    return gone;
  }

  /** Every stored object with an owner reference to `uid`, with the type it is stored under. */
  dependentsOf(uid: string, types: readonly ResourceType[]): { type: ResourceType; object: KubeObject }[] {
    const found: { type: ResourceType; object: KubeObject }[] = [];
    for (const type of types) {
      for (const object of this.bucket(type).values()) {
        if (object.metadata.ownerReferences?.some((o) => o.uid === uid))
          found.push({ type, object: clone(object) });
      }
    }
    return found;
  }
}
