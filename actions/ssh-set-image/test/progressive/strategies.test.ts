import { describe, expect, it } from 'vitest';
import type { PrometheusQuery } from '../../../lib/src/prometheus/index.js';
import type { AnalysisSettings } from '../../src/progressive/analysis.js';
import { runBlueGreen } from '../../src/progressive/blue-green.js';
import { canaryReplicas, runCanary } from '../../src/progressive/canary.js';
import type { ProgressiveDeploy } from '../../src/progressive/plan.js';
import { analysisOutput, summaryParts } from '../../src/progressive/report.js';
import { FakeClock, FakeCluster, testAnalysisSettings } from './fake-cluster.js';

const OLD = 'registry.example/api@sha256:old';
const NEW = 'registry.example/api@sha256:new';

const settings: AnalysisSettings = { ...testAnalysisSettings, filter: '' };

/** The new version's figures, per second of window: `errorShare` of 20 requests a second fail. */
function metrics(cluster: FakeCluster, errorShare: number, p99 = 0.05) {
  const seen: string[][] = [];
  const query: PrometheusQuery = {
    async scalar(promql) {
      seen.push(cluster.serving('api'));
      const window = Number(/\[(\d+)s\]/.exec(promql)?.[1]);
      if (promql.startsWith('histogram_quantile')) return p99;
      return promql.includes('=~"5.."') ? window * 20 * errorShare : window * 20;
    },
  };
  return { query, seen };
}

function deployOn(
  cluster: FakeCluster,
  prometheus: PrometheusQuery,
  clock = new FakeClock(),
): ProgressiveDeploy {
  return {
    target: cluster,
    prometheus,
    clock,
    namespace: 'prod',
    deployment: 'api',
    images: { api: NEW },
    changeCause: 'deploy new',
    analysis: settings,
    stepMs: 30_000,
    intervalMs: 5000,
    readyTimeoutMs: 60_000,
  };
}

const setup = () => new FakeCluster({ name: 'api', replicas: 4, image: OLD });

describe('canary replicas for a share of traffic', () => {
  it('keep the stable replicas and add at least one canary pod', () => {
    expect(canaryReplicas(4, 0.1)).toBe(1);
    expect(canaryReplicas(4, 0.5)).toBe(4);
    expect(canaryReplicas(1, 0.1)).toBe(1);
    expect(canaryReplicas(9, 0.25)).toBe(3);
  });
});

describe('a canary', () => {
  it('that passes every step is promoted: the stable Deployment takes the image, the canary goes', async () => {
    const cluster = setup();
    const { query } = metrics(cluster, 0);
    const stable = await cluster.deployment('prod', 'api');
    const result = await runCanary(deployOn(cluster, query), stable!, [0.1, 0.5]);
    expect(result).toMatchObject({ strategy: 'canary', outcome: 'promoted', reasons: [] });
    expect(result.steps.map((s) => [s.label, s.weight, s.verdict.outcome])).toEqual([
      ['canary 10 %', 0.2, 'pass'],
      ['canary 50 %', 0.5, 'pass'],
    ]);
    expect(cluster.image('api')).toBe(NEW);
    expect(cluster.deployments.has('api-canary')).toBe(false);
    expect(cluster.writes).toEqual([
      'apply api-canary replicas=0',
      'patch api-canary [{"op":"replace","path":"/spec/replicas","value":1}]',
      'patch api-canary [{"op":"replace","path":"/spec/replicas","value":4}]',
      `set image api ${NEW}`,
      'annotate api deploy new',
      'patch api-canary [{"op":"replace","path":"/spec/replicas","value":0}]',
      'delete api-canary',
      'delete api-green',
    ]);
  });

  it('runs the new images under the stable spec, with its own selector label', async () => {
    const cluster = setup();
    const stable = await cluster.deployment('prod', 'api');
    await runCanary(deployOn(cluster, metrics(cluster, 0.5).query), stable!, [0.1]);
    const canary = cluster.deployments.get('api-canary');
    expect(canary?.spec.selector.matchLabels).toEqual({ app: 'api', 'k8s-ship.io/track': 'canary' });
    expect(canary?.spec.template.metadata?.labels).toEqual({ app: 'api', 'k8s-ship.io/track': 'canary' });
    expect(canary?.spec.template.spec.containers[0]?.image).toBe(NEW);
  });

  it('that fails its first step is aborted there: scaled to zero, the stable untouched', async () => {
    const cluster = setup();
    const stable = await cluster.deployment('prod', 'api');
    const result = await runCanary(deployOn(cluster, metrics(cluster, 0.3).query), stable!, [0.1, 0.5]);
    expect(result.outcome).toBe('aborted');
    expect(result.steps).toHaveLength(1);
    expect(result.reasons).toEqual(['error ratio 30.00 % (30 of 100) is over 1.00 %']);
    expect(result.steps[0]?.seconds).toBe(5);
    expect(cluster.image('api')).toBe(OLD);
    expect(cluster.deployments.get('api-canary')?.spec.replicas).toBe(0);
    expect(cluster.writes.filter((w) => w.startsWith('set image'))).toEqual([]);
    expect(result.rollbackSeconds).toBeGreaterThanOrEqual(0);
  });

  it('whose pods never become ready is aborted with what the controller said', async () => {
    const cluster = setup();
    cluster.neverReady.add('api-canary');
    const stable = await cluster.deployment('prod', 'api');
    const result = await runCanary(deployOn(cluster, metrics(cluster, 0).query), stable!, [0.1]);
    expect(result).toMatchObject({ outcome: 'aborted', steps: [] });
    expect(result.reasons[0]).toContain('api-canary has timed out progressing');
    expect(cluster.image('api')).toBe(OLD);
  });

  it('will not start beside a stable version that is not fully available', async () => {
    const cluster = setup();
    cluster.neverReady.add('api');
    await cluster.patchDeployment('prod', 'api', []);
    const stable = await cluster.deployment('prod', 'api');
    await expect(runCanary(deployOn(cluster, metrics(cluster, 0).query), stable!, [0.1])).rejects.toThrow(
      /needs a healthy stable version/,
    );
    expect(cluster.deployments.has('api-canary')).toBe(false);
  });
});

describe('blue/green', () => {
  it('switches the Service to green only when green is ready, then promotes and gives the selector back', async () => {
    const cluster = setup();
    const { query, seen } = metrics(cluster, 0);
    const stable = await cluster.deployment('prod', 'api');
    const blueHash = cluster.hash('api');
    const result = await runBlueGreen(deployOn(cluster, query), stable!, 'api');
    expect(result).toMatchObject({ strategy: 'blue-green', outcome: 'promoted' });
    // Every look at the figures happened while green alone had the traffic.
    expect(new Set(seen.map((s) => s.join()))).toEqual(new Set(['api-green']));
    expect(cluster.services.get('api')?.spec.selector).toEqual({ app: 'api' });
    expect(cluster.image('api')).toBe(NEW);
    expect(cluster.deployments.has('api-green')).toBe(false);
    expect(cluster.writes[0]).toBe(
      `patch service [{"op":"add","path":"/spec/selector/pod-template-hash","value":"${blueHash}"}]`,
    );
  });

  it('switches back to blue in one patch when green fails, and leaves blue serving unpinned', async () => {
    const cluster = setup();
    const stable = await cluster.deployment('prod', 'api');
    const blueHash = cluster.hash('api');
    const result = await runBlueGreen(deployOn(cluster, metrics(cluster, 0, 1.2).query), stable!, 'api');
    expect(result.outcome).toBe('aborted');
    expect(result.reasons).toEqual(['p99 latency 1200 ms is over 500 ms']);
    expect(result.rollbackSeconds).toBeDefined();
    const serviceWrites = cluster.writes.filter((w) => w.startsWith('patch service'));
    expect(serviceWrites.at(-2)).toBe(
      `patch service [{"op":"replace","path":"/spec/selector/pod-template-hash","value":"${blueHash}"}]`,
    );
    expect(serviceWrites.at(-1)).toBe(
      'patch service [{"op":"remove","path":"/spec/selector/pod-template-hash"}]',
    );
    expect(cluster.serving('api')).toEqual(['api']);
    expect(cluster.image('api')).toBe(OLD);
    expect(cluster.deployments.get('api-green')?.spec.replicas).toBe(0);
  });

  it('names the missing Service instead of touching anything', async () => {
    const cluster = setup();
    const stable = await cluster.deployment('prod', 'api');
    await expect(runBlueGreen(deployOn(cluster, metrics(cluster, 0).query), stable!, 'web')).rejects.toThrow(
      'the Service prod/web, which does not exist',
    );
    expect(cluster.writes).toEqual([]);
  });
});

describe('the report', () => {
  it('tables each step, charts error ratio and p99, and gives the figures as JSON', async () => {
    const cluster = setup();
    const stable = await cluster.deployment('prod', 'api');
    const result = await runCanary(deployOn(cluster, metrics(cluster, 0.3).query), stable!, [0.1]);
    const text = summaryParts(result, settings).join('\n');
    expect(text).toContain('canary: aborted; traffic is back on the stable version');
    expect(text).toContain('<td>canary 10 %</td><td>20 %</td><td>100</td><td>30.00 %</td><td>50 ms</td>');
    expect(text).toContain(
      '```mermaid\nxychart-beta\n  title "New version: error ratio per step (%)"\n  x-axis ["canary 10 %"]',
    );
    expect(text).toContain('  bar [30]\n  line [1]');
    expect(JSON.parse(analysisOutput(result))).toEqual([
      {
        step: 'canary 10 %',
        weight: 0.2,
        requests: 100,
        errors: 30,
        errorRatio: 0.3,
        p99Seconds: 0.05,
        seconds: 5,
        verdict: 'fail',
      },
    ]);
  });
});
