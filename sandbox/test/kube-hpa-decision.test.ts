import { describe, expect, it } from 'vitest';
import { decideReplicas, invalidMetricsMessage, metricError } from '../src/kube/controllers/hpa-decision.js';

const cpu = {
  type: 'Resource',
  resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
};
const memoryValue = {
  type: 'Resource',
  resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '200Mi' } },
};

describe('decideReplicas, the bounds the HPA controller enforces before metrics', () => {
  it.each([
    [0, 2, 4, { action: 'disabled' }],
    [5, 2, 4, { action: 'rescale', desired: 4, reason: 'Current number of replicas above Spec.MaxReplicas' }],
    [1, 2, 4, { action: 'rescale', desired: 2, reason: 'Current number of replicas below Spec.MinReplicas' }],
    [2, 2, 4, { action: 'needsMetrics' }],
    [4, 2, 4, { action: 'needsMetrics' }],
  ])('current %i with min %i and max %i gives %o', (current, min, max, expected) => {
    expect(decideReplicas(current, min, max)).toEqual(expected);
  });
});

describe('metricError, what a cluster without metrics-server reports', () => {
  it('names the resource and utilization for a Utilization target', () => {
    expect(metricError(cpu)).toEqual({
      reason: 'FailedGetResourceMetric',
      message:
        'failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)',
      wrapped:
        'failed to get cpu resource metric value: failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)',
    });
  });

  it('says usage for an AverageValue target', () => {
    expect(metricError(memoryValue).message).toMatch(/^failed to get memory usage: /);
  });

  it('counts every metric as invalid in the summary and quotes the first', () => {
    expect(invalidMetricsMessage([cpu, memoryValue])).toMatch(
      /^invalid metrics \(2 invalid out of 2\), first error is: failed to get cpu resource metric value: /,
    );
  });
});
