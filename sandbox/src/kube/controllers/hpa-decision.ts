/**
 * What kube-controller-manager's HPA controller decides before and without metrics (reconcileAutoscaler):
 * the bounds are enforced first; within them it needs metrics, which the sandbox has none of.
 */
export type HpaDecision =
  | { action: 'disabled' }
  | { action: 'rescale'; desired: number; reason: string }
  | { action: 'needsMetrics' };

export function decideReplicas(current: number, minReplicas: number, maxReplicas: number): HpaDecision {
  if (current === 0 && minReplicas !== 0) return { action: 'disabled' };
  if (current > maxReplicas) {
    return {
      action: 'rescale',
      desired: maxReplicas,
      reason: 'Current number of replicas above Spec.MaxReplicas',
    };
  }
  if (current < minReplicas) {
    return {
      action: 'rescale',
      desired: minReplicas,
      reason: 'Current number of replicas below Spec.MinReplicas',
    };
  }
  return { action: 'needsMetrics' };
}

// biome-ignore lint/suspicious/noExplicitAny: metric specs are open-ended JSON
type MetricSpec = any;

/** The error the resource metrics client returns when metrics.k8s.io is not served (no metrics-server). */
const noMetricsApi =
  'unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)';

/** What fetching one metric fails with on a cluster without any metrics API, in the controller's words. */
export function metricError(spec: MetricSpec): { reason: string; message: string; wrapped: string } {
  const type: string = spec?.type ?? '';
  if (type === 'Resource' || type === 'ContainerResource') {
    const source = type === 'Resource' ? spec.resource : spec.containerResource;
    const name: string = source?.name ?? '';
    const measure = source?.target?.averageValue !== undefined ? 'usage' : 'utilization';
    const message = `failed to get ${name} ${measure}: unable to get metrics for resource ${name}: ${noMetricsApi}`;
    const prefix = type === 'Resource' ? 'resource' : 'container resource';
    return {
      reason: type === 'Resource' ? 'FailedGetResourceMetric' : 'FailedGetContainerResourceMetric',
      message,
      wrapped: `failed to get ${name} ${prefix} metric value: ${message}`,
    };
  }
  // Pods, Object and External metrics come from the custom or external metrics APIs, equally absent.
  const api = type === 'External' ? 'external' : 'custom';
  const name = spec?.[type.charAt(0).toLowerCase() + type.slice(1)]?.metric?.name ?? '';
  const message = `unable to get metric ${name}: unable to fetch metrics from ${api} metrics API: no ${api} metrics API (${api}.metrics.k8s.io) registered`;
  return {
    reason: `FailedGet${type}Metric`,
    message,
    wrapped: `failed to get ${type.toLowerCase()} metric value: ${message}`,
  };
}

/** The summary event the controller records when no metric could be computed. */
export function invalidMetricsMessage(specs: MetricSpec[]): string {
  return `invalid metrics (${specs.length} invalid out of ${specs.length}), first error is: ${metricError(specs[0]).wrapped}`;
}
