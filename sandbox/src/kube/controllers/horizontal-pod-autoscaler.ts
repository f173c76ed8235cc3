import { isDeepStrictEqual } from 'node:util';
import type { ApiObjects } from '../api/objects.js';
import { findResource, type ResourceType, resourceForKind } from '../api/resources.js';
import { isoNow, type KubeObject } from '../api/types.js';
import type { EventRecorder } from './events.js';
import { decideReplicas, invalidMetricsMessage, metricError } from './hpa-decision.js';

const autoscalers = findResource('autoscaling', 'v2', 'horizontalpodautoscalers')!;
const component = 'horizontal-pod-autoscaler';
/** kube-controller-manager's --horizontal-pod-autoscaler-sync-period. */
const syncPeriodMs = 15_000;

// biome-ignore lint/suspicious/noExplicitAny: conditions and metric statuses are open-ended JSON
type Any = any;

/** setConditionInList: lastTransitionTime moves only when the status changes. */
function setCondition(status: Any, type: string, state: string, reason: string, message: string): void {
  const conditions: Any[] = status.conditions ?? [];
  let existing = conditions.find((c) => c.type === type);
  if (!existing) {
    existing = { type };
    conditions.push(existing);
  }
  if (existing.status !== state) existing.lastTransitionTime = isoNow();
  Object.assign(existing, { status: state, reason, message });
  status.conditions = conditions;
}

interface Target {
  type: ResourceType;
  object: KubeObject;
}

/**
 * The HorizontalPodAutoscaler controller, as far as a cluster without metrics takes it: it scales the
 * target through its replicas (the scale subresource) into [minReplicas, maxReplicas], leaves a target at
 * zero alone, and within the bounds reports that metrics cannot be fetched, with the real controller's
 * conditions, status and events. An HPA is looked at again when its spec or its target's replicas change,
 * and otherwise every sync period, as the real one resyncs.
 */
export class HorizontalPodAutoscalerController {
  private readonly seen = new Map<string, { fingerprint: string; at: number }>();

  constructor(
    private readonly objects: ApiObjects,
    private readonly events: EventRecorder,
  ) {}

  syncAll(now = Date.now()): void {
    const live = new Set<string>();
    for (const hpa of this.objects.store.list(autoscalers)) {
      const key = hpa.metadata.uid!;
      live.add(key);
      if (hpa.metadata.deletionTimestamp) continue;
      const fingerprint = this.fingerprint(hpa);
      const last = this.seen.get(key);
      if (last && last.fingerprint === fingerprint && now - last.at < syncPeriodMs) continue;
      this.reconcile(hpa);
      this.seen.set(key, { fingerprint: this.fingerprint(hpa), at: now });
    }
    for (const key of this.seen.keys()) if (!live.has(key)) this.seen.delete(key);
  }

  /** What makes a look before the sync period worth it: the HPA's spec and its target's replicas. */
  private fingerprint(hpa: KubeObject): string {
    const target = this.resolveTarget(hpa);
    const replicas =
      'object' in target ? `${target.object.metadata.uid}:${target.object.spec?.replicas}` : '-';
    return `${hpa.metadata.generation}|${replicas}`;
  }

  private resolveTarget(hpa: KubeObject): Target | { error: string } {
    const ref = hpa.spec?.scaleTargetRef ?? {};
    const apiVersion = String(ref.apiVersion ?? '');
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
    const type = resourceForKind(apiVersion, String(ref.kind ?? ''));
    if (!type?.hasScale) return { error: `no matches for kind "${ref.kind}" in group "${group}"` };
    const object = this.objects.store.tryGet(type, hpa.metadata.namespace, String(ref.name ?? ''));
    if (!object) {
      return { error: `${type.name}/scale${type.group ? `.${type.group}` : ''} "${ref.name}" not found` };
    }
    return { type, object };
  }

  private reconcile(hpa: KubeObject): void {
    const status: Any = structuredClone(hpa.status ?? {});
    const target = this.resolveTarget(hpa);
    if ('error' in target) {
      this.events.record(hpa, 'Warning', 'FailedGetScale', target.error, component);
      setCondition(
        status,
        'AbleToScale',
        'False',
        'FailedGetScale',
        `the HPA controller was unable to get the target's current scale: ${target.error}`,
      );
      this.writeStatus(hpa, status);
      return;
    }
    setCondition(
      status,
      'AbleToScale',
      'True',
      'SucceededGetScale',
      "the HPA controller was able to get the target's current scale",
    );
    const current: number = target.object.spec?.replicas ?? 0;
    const decision = decideReplicas(current, hpa.spec.minReplicas ?? 1, hpa.spec.maxReplicas);
    if (decision.action === 'needsMetrics') {
      this.reportMissingMetrics(hpa, status, current);
      return;
    }
    let desired = current;
    if (decision.action === 'disabled') {
      setCondition(
        status,
        'ScalingActive',
        'False',
        'ScalingDisabled',
        'scaling is disabled since the replica count of the target is zero',
      );
    } else {
      desired = decision.desired;
      const { metadata } = target.object;
      this.objects.setScale(target.type, metadata.namespace, metadata.name!, {
        metadata: {},
        spec: { replicas: desired },
      });
      setCondition(
        status,
        'AbleToScale',
        'True',
        'SucceededRescale',
        `the HPA controller was able to update the target scale to ${desired}`,
      );
      this.events.record(
        hpa,
        'Normal',
        'SuccessfulRescale',
        `New size: ${desired}; reason: ${decision.reason}`,
        component,
      );
      status.lastScaleTime = isoNow();
    }
    // setStatus: no metrics were computed on this pass, so none are reported.
    delete status.currentMetrics;
    this.writeStatus(hpa, { ...status, currentReplicas: current, desiredReplicas: desired });
  }

  /** Every metric fails; the first one's error becomes the ScalingActive condition. The count is kept. */
  private reportMissingMetrics(hpa: KubeObject, status: Any, current: number): void {
    const specs: Any[] = hpa.spec.metrics ?? [];
    for (const spec of specs) {
      const failure = metricError(spec);
      this.events.record(hpa, 'Warning', failure.reason, failure.message, component);
    }
    if (specs.length > 0) {
      const first = metricError(specs[0]);
      setCondition(
        status,
        'ScalingActive',
        'False',
        first.reason,
        `the HPA was unable to compute the replica count: ${first.message}`,
      );
      this.events.record(
        hpa,
        'Warning',
        'FailedComputeMetricsReplicas',
        invalidMetricsMessage(specs),
        component,
      );
    }
    // A metric that could not be read is reported as an empty status, as the real controller does.
    this.writeStatus(hpa, {
      ...status,
      currentReplicas: current,
      desiredReplicas: status.desiredReplicas ?? 0,
      currentMetrics: specs.map(() => ({ type: '' })),
    });
  }

  /** updateStatusIfNeeded: writes only a status that changed. */
  private writeStatus(hpa: KubeObject, status: Any): void {
    // currentReplicas is omitted when zero; desiredReplicas is always written.
    if (!status.currentReplicas) delete status.currentReplicas;
    status.desiredReplicas ??= 0;
    if (isDeepStrictEqual(status, hpa.status ?? {})) return;
    const current = this.objects.store.tryGet(autoscalers, hpa.metadata.namespace, hpa.metadata.name!);
    if (!current || current.metadata.uid !== hpa.metadata.uid) return;
    this.objects.store.update(autoscalers, { ...current, status }, 'status');
  }
}
