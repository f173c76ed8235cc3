import { randomBytes } from 'node:crypto';
import { ApiError } from '../api/errors.js';
import type { ApiObjects } from '../api/objects.js';
import { findResource } from '../api/resources.js';
import { isoNow, type KubeObject } from '../api/types.js';

const events = findResource('', 'v1', 'events')!;

export type EventType = 'Normal' | 'Warning';

/**
 * Records core/v1 Events the way client-go's recorder does: one object per (object, reason, message),
 * whose count and lastTimestamp grow when the same thing happens again.
 */
export class EventRecorder {
  private readonly names = new Map<string, string>();

  constructor(private readonly objects: ApiObjects) {}

  record(
    involved: KubeObject,
    type: EventType,
    reason: string,
    message: string,
    component: string,
    fieldPath?: string,
  ): void {
    const meta = involved.metadata;
    const key = [meta.uid, reason, message, fieldPath ?? ''].join('\u0000');
    const now = isoNow();
    try {
      const existingName = this.names.get(key);
      const existing = existingName
        ? this.objects.store.tryGet(events, meta.namespace, existingName)
        : undefined;
      if (existing) {
        existing.count = Number(existing.count ?? 1) + 1;
        existing.lastTimestamp = now;
        this.objects.store.update(events, existing);
        return;
      }
      const created = this.objects.create(events, meta.namespace ?? 'default', {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: {
          name: `${meta.name}.${randomBytes(8).toString('hex')}`,
          namespace: meta.namespace ?? 'default',
        },
        involvedObject: {
          kind: involved.kind,
          namespace: meta.namespace,
          name: meta.name,
          uid: meta.uid,
          apiVersion: involved.apiVersion,
          resourceVersion: meta.resourceVersion,
          ...(fieldPath ? { fieldPath } : {}),
        },
        reason,
        message,
        source: { component, ...(component === 'kubelet' ? { host: 'sandbox' } : {}) },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        type,
        eventTime: null,
        reportingComponent: component,
        reportingInstance: component === 'kubelet' ? 'sandbox' : '',
      });
      this.names.set(key, created.metadata.name!);
    } catch (error) {
      // A namespace being deleted refuses new events; losing them is what a real cluster does too.
      if (!(error instanceof ApiError)) throw error;
    }
  }
}
