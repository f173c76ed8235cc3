import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../src/exec.js';
import { eventually, httpServerCommand, type KubeSandbox, startKubeSandbox } from './kube-harness.js';

/** HorizontalPodAutoscalers on the sandbox, driven and read with the real kubectl: bounds, no metrics. */
let kube: KubeSandbox;
const namespace = 'kube-test-hpa';
const ns = ['-n', namespace];
// biome-ignore lint/suspicious/noExplicitAny: tests read open-ended Kubernetes JSON
type Json = any;

const noMetricsApi =
  'unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)';

function deployment(name: string, replicas: number, command: string[], probe: boolean): Json {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'main',
              image: kube.nodeImage,
              command,
              ...(probe ? { readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 } } : {}),
            },
          ],
        },
      },
    },
  };
}

function autoscaler(name: string, target: string, min: number, max: number, metrics?: Json[]): Json {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, namespace },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
      minReplicas: min,
      maxReplicas: max,
      ...(metrics ? { metrics } : {}),
    },
  };
}

const utilization = (name: string, percent: number) => ({
  type: 'Resource',
  resource: { name, target: { type: 'Utilization', averageUtilization: percent } },
});

async function apply(...objects: Json[]): Promise<void> {
  for (const object of objects) await kube.kubectl(['apply', '-f', '-'], JSON.stringify(object));
}

function condition(hpa: Json, type: string): Json {
  return (hpa.status?.conditions ?? []).find((c: Json) => c.type === type);
}

async function eventsOf(name: string): Promise<Json[]> {
  const list = await kube.json([...ns, 'get', 'events']);
  return list.items.filter(
    (e: Json) => e.involvedObject.kind === 'HorizontalPodAutoscaler' && e.involvedObject.name === name,
  );
}

beforeAll(async () => {
  kube = await startKubeSandbox();
  await apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  await apply(
    deployment('web', 1, httpServerCommand('web'), true),
    autoscaler('web', 'web', 2, 4, [utilization('cpu', 70), utilization('memory', 80)]),
  );
});

afterAll(async () => {
  await kube?.stop();
});

describe('the HorizontalPodAutoscaler controller of the kube sandbox', () => {
  it('scales a Deployment below minReplicas up to it, and the new pod becomes available', async () => {
    const scaled = await eventually(
      'deployment/web scaled to minReplicas',
      () => kube.json([...ns, 'get', 'deployment', 'web']),
      (d) => d.spec.replicas === 2,
    );
    expect(scaled.spec.replicas).toBe(2);
    const { stdout } = await kube.kubectl([...ns, 'rollout', 'status', 'deployment/web', '--timeout=90s']);
    expect(stdout).toContain('deployment "web" successfully rolled out');
    expect((await kube.json([...ns, 'get', 'deployment', 'web'])).status.availableReplicas).toBe(2);

    const hpa = await kube.json([...ns, 'get', 'hpa', 'web']);
    expect(hpa.status.desiredReplicas).toBe(2);
    expect(Date.parse(hpa.status.lastScaleTime)).toBeGreaterThan(
      Date.parse(hpa.metadata.creationTimestamp) - 1000,
    );
    const [rescale, ...more] = (await eventsOf('web')).filter((e) => e.reason === 'SuccessfulRescale');
    expect(more).toEqual([]);
    expect(rescale).toMatchObject({
      type: 'Normal',
      message: 'New size: 2; reason: Current number of replicas below Spec.MinReplicas',
      source: { component: 'horizontal-pod-autoscaler' },
    });
  }, 120_000);

  it('within the bounds reports, as without metrics-server, that it cannot compute a count', async () => {
    // The real controller looks again after its 15 s sync period.
    const hpa = await eventually(
      'hpa/web to report the missing metrics',
      () => kube.json([...ns, 'get', 'hpa', 'web']),
      (h) => condition(h, 'ScalingActive')?.status === 'False',
      40_000,
    );
    expect(hpa.status).toMatchObject({
      currentReplicas: 2,
      desiredReplicas: 2,
      currentMetrics: [{ type: '' }, { type: '' }],
    });
    expect(condition(hpa, 'AbleToScale')).toMatchObject({
      status: 'True',
      reason: 'SucceededGetScale',
      message: "the HPA controller was able to get the target's current scale",
    });
    expect(condition(hpa, 'ScalingActive')).toMatchObject({
      reason: 'FailedGetResourceMetric',
      message: `the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: ${noMetricsApi}`,
    });
    expect(condition(hpa, 'ScalingLimited')).toBeUndefined();
    expect((await kube.json([...ns, 'get', 'deployment', 'web'])).spec.replicas).toBe(2);

    const warnings = (await eventsOf('web')).filter((e) => e.type === 'Warning');
    expect(warnings.map((e) => `${e.reason}: ${e.message}`).sort()).toEqual([
      `FailedComputeMetricsReplicas: invalid metrics (2 invalid out of 2), first error is: failed to get cpu resource metric value: failed to get cpu utilization: unable to get metrics for resource cpu: ${noMetricsApi}`,
      `FailedGetResourceMetric: failed to get cpu utilization: unable to get metrics for resource cpu: ${noMetricsApi}`,
      `FailedGetResourceMetric: failed to get memory utilization: unable to get metrics for resource memory: ${noMetricsApi}`,
    ]);

    const { stdout: table } = await kube.kubectl([...ns, 'get', 'hpa']);
    expect(table.split('\n')[0]).toMatch(/^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE$/);
    expect(table).toMatch(
      /\nweb\s+Deployment\/web\s+cpu: <unknown>\/70%, memory: <unknown>\/80%\s+2\s+4\s+2\s+\d+s\n/,
    );
    const { stdout: described } = await kube.kubectl([...ns, 'describe', 'hpa', 'web']);
    expect(described).toMatch(/ScalingActive\s+False\s+FailedGetResourceMetric/);
    expect(described).toMatch(/SuccessfulRescale\s+.*New size: 2; reason: Current number of replicas below/);
  }, 60_000);

  it('scales a Deployment above maxReplicas down to it, and leaves one scaled to zero alone', async () => {
    const idle = ['node', '-e', 'setInterval(() => {}, 1000)'];
    await apply(deployment('wide', 3, idle, false), autoscaler('wide', 'wide', 1, 2));
    await eventually(
      'deployment/wide scaled down to 2 pods',
      () => kube.json([...ns, 'get', 'deployment', 'wide']),
      (d) => d.spec.replicas === 2 && d.status.replicas === 2,
    );
    const rescales = (await eventsOf('wide')).filter((e) => e.reason === 'SuccessfulRescale');
    expect(rescales.map((e) => e.message)).toEqual([
      'New size: 2; reason: Current number of replicas above Spec.MaxReplicas',
    ]);
    const hpa = await kube.json([...ns, 'get', 'hpa', 'wide']);
    // The defaulted metric: 80% average CPU.
    expect(hpa.spec.metrics).toEqual([utilization('cpu', 80)]);
    expect(hpa.status).toMatchObject({ currentReplicas: 3, desiredReplicas: 2 });
    expect(condition(hpa, 'AbleToScale')).toMatchObject({
      status: 'True',
      reason: 'SucceededRescale',
      message: 'the HPA controller was able to update the target scale to 2',
    });

    await kube.kubectl([...ns, 'scale', 'deployment/wide', '--replicas=0']);
    const disabled = await eventually(
      'hpa/wide to report scaling disabled',
      () => kube.json([...ns, 'get', 'hpa', 'wide']),
      (h) => condition(h, 'ScalingActive')?.reason === 'ScalingDisabled',
    );
    expect(condition(disabled, 'ScalingActive')).toMatchObject({
      status: 'False',
      message: 'scaling is disabled since the replica count of the target is zero',
    });
    expect(disabled.status.desiredReplicas).toBe(0);
    await sleep(2000);
    expect((await kube.json([...ns, 'get', 'deployment', 'wide'])).spec.replicas).toBe(0);
  }, 90_000);

  it('reports a target that does not exist as unable to get its scale', async () => {
    await apply(autoscaler('orphan', 'missing', 1, 2));
    const hpa = await eventually(
      'hpa/orphan to report FailedGetScale',
      () => kube.json([...ns, 'get', 'hpa', 'orphan']),
      (h) => condition(h, 'AbleToScale') !== undefined,
    );
    expect(condition(hpa, 'AbleToScale')).toMatchObject({
      status: 'False',
      reason: 'FailedGetScale',
      message: `the HPA controller was unable to get the target's current scale: deployments/scale.apps "missing" not found`,
    });
    expect((await eventsOf('orphan')).map((e) => `${e.type} ${e.reason}: ${e.message}`)).toEqual([
      'Warning FailedGetScale: deployments/scale.apps "missing" not found',
    ]);
  });

  it('refuses an HPA whose maxReplicas is below its minReplicas, as the API server does', async () => {
    const stderr = await kube.kubectlFails(
      ['apply', '-f', '-'],
      JSON.stringify(autoscaler('upside-down', 'web', 3, 2)),
    );
    expect(stderr).toContain(
      'spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`',
    );
    await kube.kubectlFails([...ns, 'get', 'hpa', 'upside-down']);
  });
});
