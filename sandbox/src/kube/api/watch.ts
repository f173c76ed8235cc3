import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './errors.js';
import { groupVersionOf, type ResourceType, resourceKey } from './resources.js';
import { type FieldRequirement, type LabelSelector, matchesFields, matchesLabels } from './selectors.js';
import type { ObjectStore } from './store.js';
import type { KubeObject, StoreEvent } from './types.js';

export interface WatchRequest {
  type: ResourceType;
  namespace?: string;
  labels: LabelSelector;
  fields: FieldRequirement[];
  resourceVersion?: string;
  timeoutSeconds?: number;
  sendInitialEvents: boolean;
  /** Turns an object into what the client asked for (the object itself, or a Table row). */
  render: (object: KubeObject, first: boolean) => unknown;
}

/** Open watch streams, so that a fault switch can drop them all at once. */
export class WatchRegistry {
  private readonly open = new Set<() => void>();

  add(close: () => void): () => void {
    this.open.add(close);
    return () => this.open.delete(close);
  }

  dropAll(): number {
    const closers = [...this.open];
    for (const close of closers) close();
    return closers.length;
  }

  get size(): number {
    return this.open.size;
  }
}

function matches(request: WatchRequest, object: KubeObject): boolean {
  if (request.type.namespaced && request.namespace && object.metadata.namespace !== request.namespace)
    return false;
  return matchesLabels(request.labels, object.metadata.labels) && matchesFields(request.fields, object);
}

/** What a watcher with this filter sees of a change: objects entering or leaving the filter are ADDED/DELETED. */
function translate(
  request: WatchRequest,
  event: StoreEvent,
): { type: string; object: KubeObject } | undefined {
  if (event.resource !== resourceKey(request.type)) return undefined;
  const now = matches(request, event.object);
  if (event.type !== 'MODIFIED' || !event.previous)
    return now ? { type: event.type, object: event.object } : undefined;
  const before = matches(request, event.previous);
  if (now && before) return { type: 'MODIFIED', object: event.object };
  if (now) return { type: 'ADDED', object: event.object };
  if (before) return { type: 'DELETED', object: event.object };
  return undefined;
}

function withKind(type: ResourceType, object: KubeObject): KubeObject {
  return { apiVersion: groupVersionOf(type), kind: type.kind, ...object };
}

/**
 * Streams watch events as JSON lines over a chunked response, as the real API server does: from a
 * resourceVersion (replaying the store's history), or from now with the current objects as ADDED first.
 */
export function serveWatch(
  req: IncomingMessage,
  res: ServerResponse,
  store: ObjectStore,
  registry: WatchRegistry,
  request: WatchRequest,
): void {
  let first = true;
  let lastSent = 0;
  const buffered: StoreEvent[] = [];
  let live = false;
  const write = (type: string, object: unknown) => {
    res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const send = (event: StoreEvent) => {
    if (event.resourceVersion <= lastSent) return;
    lastSent = event.resourceVersion;
    const seen = translate(request, event);
    if (!seen) return;
    write(seen.type, request.render(withKind(request.type, seen.object), first));
    first = false;
  };
  const unsubscribe = store.subscribe((event) => (live ? send(event) : buffered.push(event)));
  let timer: NodeJS.Timeout | undefined;
  const close = () => {
    unsubscribe();
    unregister();
    if (timer) clearTimeout(timer);
    if (!res.writableEnded) res.end();
  };
  const unregister = registry.add(close);
  req.on('close', close);
  res.on('close', close);

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  // Sent now, as the real API server flushes them: Node would hold the headers until the first event,
  // and client-go waits for them in a call that cannot be cancelled, so `kubectl rollout status` on a
  // finished rollout (no event to come) hung after printing success until the watch timed out.
  res.flushHeaders();
  const rv = request.resourceVersion;
  const fromNow = rv === undefined || rv === '' || rv === '0' || request.sendInitialEvents;
  if (fromNow) {
    const current = store.resourceVersion;
    for (const object of store.list(request.type, {
      namespace: request.namespace,
      labels: request.labels,
      fields: request.fields,
    })) {
      write('ADDED', request.render(withKind(request.type, object), first));
      first = false;
    }
    lastSent = current;
    if (request.sendInitialEvents) {
      write('BOOKMARK', {
        apiVersion: groupVersionOf(request.type),
        kind: request.type.kind,
        metadata: { resourceVersion: String(current), annotations: { 'k8s.io/initial-events-end': 'true' } },
      });
    }
  } else {
    const from = Number(rv);
    try {
      const replay = store.eventsSince(Number.isFinite(from) ? from : 0);
      lastSent = from;
      for (const event of replay) send(event);
    } catch (error) {
      if (error instanceof ApiError) {
        write('ERROR', error.toStatus());
        close();
        return;
      }
      throw error;
    }
  }
  for (const event of buffered) send(event);
  live = true;
  if (request.timeoutSeconds && request.timeoutSeconds > 0)
    timer = setTimeout(close, request.timeoutSeconds * 1000);
}
