import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Shipment } from '../../cli/src/demo/ship.js';
import { type CpuLoad, type PodLoadReport, startCpuLoad } from './cpu-load.js';
import { E2eSandbox } from './e2e-sandbox.js';
import type { KubeObject } from './kubectl.js';

const DEPLOYMENT = 'metrics-api';
const OVERLAY = 'k8s/overlays/prod';

interface HpaSpec {
  minReplicas: number;
  maxReplicas: number;
  metrics: { type: string; resource?: { name: string; target: { averageUtilization?: number } } }[];
  behavior?: {
    scaleDown?: {
      stabilizationWindowSeconds?: number;
      policies?: { type: string; value: number; periodSeconds: number }[];
    };
  };
}

interface HpaStatus {
  currentReplicas?: number;
  desiredReplicas?: number;
  lastScaleTime?: string;
  currentMetrics?: { type: string; resource?: { name: string; current: { averageUtilization?: number } } }[];
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
}

/** One look at the HPA and its Deployment, taken together. */
interface Sample {
  atMs: number;
  replicas: number;
  available: number;
  desired?: number;
  cpuUtilization?: number;
  lastScaleTime?: string;
  conditions: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `250m` or `1` (cores) in millicores. */
function millicores(quantity: string): number {
  return quantity.endsWith('m') ? Number(quantity.slice(0, -1)) : Number(quantity) * 1000;
}

function rendered(objects: readonly KubeObject[], kind: string): KubeObject {
  const object = objects.find(
    (candidate) => candidate.kind === kind && candidate.metadata.name === DEPLOYMENT,
  );
  if (!object) throw new Error(`${OVERLAY} renders no ${kind} ${DEPLOYMENT}`);
  return object;
}

/**
 * prod's HorizontalPodAutoscaler (k8s/overlays/prod/hpa.yaml) on the sandbox's real cluster: the real
 * kube-controller-manager's HPA controller reading the pods' CPU from metrics-server, which reads the
 * kubelet. The pipeline ships main to this run's own prod namespace; CPU load run inside the pods (the
 * service has no CPU-heavy endpoint) scales the Deployment up; when the load ends it scales back down to
 * minReplicas as the overlay's `behavior` allows: not before its stabilization window, one step per
 * policy period. Every figure (target, bounds, window, policy, the container's CPU request) is read from
 * the rendered overlay, not written here.
 */
describe('prod’s HPA on the sandbox’s cluster', () => {
  let sandbox: E2eSandbox;
  let shipment: Shipment;
  let spec: HpaSpec;
  let cpuRequest: number;
  let cpuTarget: number;
  const namespace = () => `${sandbox.namespacePrefix}prod`;
  const samples: Sample[] = [];
  let load: CpuLoad | undefined;
  /** Set by each stage that passes: the next one needs it. */
  const reached = { metrics: false, scaledUp: false };
  let scaledUp: Sample | undefined;
  let loadStoppedAtMs = 0;
  const started = Date.now();

  async function sample(): Promise<Sample> {
    const { items } = await sandbox.kubectl.json<{ items: KubeObject[] }>([
      'get',
      `horizontalpodautoscaler/${DEPLOYMENT}`,
      `deployment/${DEPLOYMENT}`,
      '--namespace',
      namespace(),
    ]);
    const hpa = items.find((item) => item.kind === 'HorizontalPodAutoscaler');
    const deployment = items.find((item) => item.kind === 'Deployment');
    const status = (hpa?.status ?? {}) as HpaStatus;
    const cpu = status.currentMetrics?.find((metric) => metric.resource?.name === 'cpu');
    const taken: Sample = {
      atMs: Date.now() - started,
      replicas: deployment?.spec?.replicas ?? 0,
      available: Number(deployment?.status?.availableReplicas ?? 0),
      conditions: (status.conditions ?? [])
        .map(
          (condition) => `${condition.type}=${condition.status} (${condition.reason}: ${condition.message})`,
        )
        .join('; '),
      ...(status.desiredReplicas === undefined ? {} : { desired: status.desiredReplicas }),
      ...(cpu?.resource?.current.averageUtilization === undefined
        ? {}
        : { cpuUtilization: cpu.resource.current.averageUtilization }),
      ...(status.lastScaleTime ? { lastScaleTime: status.lastScaleTime } : {}),
    };
    samples.push(taken);
    return taken;
  }

  /** Samples every few seconds until `done` accepts one; fails with the last one seen. */
  async function sampleUntil(what: string, done: (taken: Sample) => boolean, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const taken = await sample();
      if (done(taken)) return taken;
      if (Date.now() > deadline) {
        throw new Error(`no ${what} within ${timeoutMs / 1000} s; last seen: ${JSON.stringify(taken)}`);
      }
      await sleep(3000);
    }
  }

  const readyPods = async () =>
    (
      await sandbox.kubectl.json<{
        items: (KubeObject & { status: { conditions?: { type: string; status: string }[] } })[];
      }>(['get', 'pods', '--namespace', namespace(), '--selector', `app.kubernetes.io/name=${DEPLOYMENT}`])
    ).items
      .filter((pod) => !('deletionTimestamp' in pod.metadata))
      .filter((pod) => pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
      .map((pod) => pod.metadata.name);

  beforeAll(async () => {
    sandbox = await E2eSandbox.start();
    shipment = await sandbox.ship({ branch: 'main' });
    const overlay = await sandbox.kubectl.render(OVERLAY);
    spec = rendered(overlay, 'HorizontalPodAutoscaler').spec as unknown as HpaSpec;
    const deployment = rendered(overlay, 'Deployment').spec as unknown as {
      template: { spec: { containers: { resources: { requests: { cpu: string } } }[] } };
    };
    cpuRequest = millicores(deployment.template.spec.containers[0]?.resources.requests.cpu ?? '0');
    cpuTarget =
      spec.metrics.find((metric) => metric.type === 'Resource' && metric.resource?.name === 'cpu')?.resource
        ?.target.averageUtilization ?? Number.NaN;
  });

  afterAll(async () => {
    await load?.stop();
    await sandbox?.cleanup();
  });

  test('the HPA of the prod overlay is live and reads the pods’ CPU from metrics-server', async () => {
    expect(shipment.exitCode, shipment.log).toBe(0);
    expect(shipment.outputs).toMatchObject({ namespace: namespace(), overlay: OVERLAY, result: 'succeeded' });
    expect(cpuRequest).toBeGreaterThan(0);
    expect(cpuTarget).toBeGreaterThan(0);
    const live = await sandbox.kubectl.json(['get', 'hpa', DEPLOYMENT, '--namespace', namespace()]);
    expect(live.spec).toMatchObject(spec as unknown as Record<string, unknown>);
    // metrics-server scrapes the kubelet every 15 s and the HPA syncs every 15 s: figures within a minute or
    // two of the pods starting. Without them the HPA cannot scale (ScalingActive=False).
    const ready = await sampleUntil(
      'CPU utilization in the HPA’s status (ScalingActive=True)',
      (taken) => taken.cpuUtilization !== undefined && taken.conditions.includes('ScalingActive=True'),
      180_000,
    );
    expect(ready.replicas).toBe(spec.minReplicas);
    expect(ready.cpuUtilization).toBeLessThan(cpuTarget);
    await sandbox.kubectl.waitAvailable(namespace(), DEPLOYMENT);
    reached.metrics = true;
  }, 420_000);

  test('CPU load in the pods scales the Deployment up, within maxReplicas', async () => {
    expect(reached.metrics, 'needs the HPA reading CPU above').toBe(true);
    const pods = await readyPods();
    expect(pods).toHaveLength(spec.minReplicas);
    // Each pod at 1.75 times the target: the HPA wants ceil(minReplicas × 1.75) replicas, more than the
    // minimum even if a busy machine gives the load somewhat less CPU than it asks for.
    const perPod = Math.round(cpuRequest * (cpuTarget / 100) * 1.75);
    const loadStartedAtMs = Date.now() - started;
    // Bounded: each burner stops by itself after 4 minutes, or when stop() closes its stdin.
    load = startCpuLoad({
      kubeconfig: sandbox.ready.endpoints.kube.kubeconfig,
      namespace: namespace(),
      pods,
      container: DEPLOYMENT,
      millicores: perPod,
      maxMs: 240_000,
    });
    let reports: PodLoadReport[];
    try {
      scaledUp = await sampleUntil('scale-up', (taken) => taken.replicas > spec.minReplicas, 200_000);
    } finally {
      loadStoppedAtMs = Date.now() - started;
      reports = await load.stop();
      load = undefined;
    }
    // Every burner ran in its pod and spent CPU there, until the test ended it.
    for (const report of reports) {
      expect(report, JSON.stringify(report)).toMatchObject({ exitCode: 0, cpuMs: expect.any(Number) });
      expect(report.cpuMs).toBeGreaterThan(0);
    }
    expect(scaledUp.replicas).toBeLessThanOrEqual(spec.maxReplicas);
    expect(scaledUp.lastScaleTime).toBeDefined();
    // The HPA saw the load: average CPU over the target while it ran.
    const seen = samples.filter((taken) => taken.atMs >= loadStartedAtMs && taken.atMs <= loadStoppedAtMs);
    expect(Math.max(...seen.map((taken) => taken.cpuUtilization ?? 0))).toBeGreaterThan(cpuTarget);
    // The new replicas are real pods that become ready.
    const settled = await sampleUntil(
      'the scaled-up replicas available',
      (taken) => taken.available === taken.replicas,
      120_000,
    );
    expect(settled.replicas).toBeGreaterThan(spec.minReplicas);
    expect(settled.replicas).toBeLessThanOrEqual(spec.maxReplicas);
    console.info(
      `HPA: load of ${perPod}m in each of ${pods.length} pods; ${spec.minReplicas} → ${scaledUp.replicas} replicas ` +
        `${((scaledUp.atMs - loadStartedAtMs) / 1000).toFixed(0)} s after the load started`,
    );
    reached.scaledUp = true;
  }, 420_000);

  test('with the load gone it scales down to minReplicas, not before the stabilization window, by the policy’s steps', async () => {
    expect(reached.scaledUp, 'needs the scale-up above').toBe(true);
    const scaleDown = spec.behavior?.scaleDown;
    const window = scaleDown?.stabilizationWindowSeconds ?? 300;
    const step = scaleDown?.policies?.find((policy) => policy.type === 'Pods');
    expect(
      step,
      `this test checks a Pods scale-down policy; ${OVERLAY} has ${JSON.stringify(scaleDown)}`,
    ).toBeDefined();
    const { value, periodSeconds } = step as { value: number; periodSeconds: number };
    const peak = Math.max(...samples.map((taken) => taken.replicas));
    // The window, one policy period per step after the first, and a margin for the metrics and the sync.
    const budgetMs = (window + Math.ceil((peak - spec.minReplicas) / value) * periodSeconds + 150) * 1000;
    const backAtMin = await sampleUntil(
      'scale-down to minReplicas',
      (taken) => taken.replicas === spec.minReplicas && taken.available === spec.minReplicas,
      budgetMs,
    );

    // Never outside the HPA's bounds once it owns the count: prod sets no `replicas`, so the Deployment
    // starts at the API's default of 1 until the HPA's first sync raises it to minReplicas.
    const owned = samples.slice(samples.findIndex((taken) => taken.replicas >= spec.minReplicas));
    expect(owned.length).toBeGreaterThan(0);
    for (const taken of owned) {
      expect(taken.replicas, JSON.stringify(taken)).toBeGreaterThanOrEqual(spec.minReplicas);
      expect(taken.replicas, JSON.stringify(taken)).toBeLessThanOrEqual(spec.maxReplicas);
    }
    // The steps down after the peak, each with the HPA's own time of the change.
    const atPeak = samples.findIndex((taken) => taken.replicas === peak);
    const decreases: { from: number; to: number; at: number }[] = [];
    for (let i = atPeak + 1; i < samples.length; i++) {
      const [before, after] = [samples[i - 1] as Sample, samples[i] as Sample];
      if (after.replicas < before.replicas) {
        decreases.push({
          from: before.replicas,
          to: after.replicas,
          at: Date.parse(after.lastScaleTime ?? ''),
        });
      }
      expect(after.replicas, 'no scale-up once the load is gone').toBeLessThanOrEqual(before.replicas);
    }
    expect(decreases.length).toBeGreaterThan(0);
    const lastScaleUp = Date.parse(scaledUp?.lastScaleTime ?? '');
    const peakScaleTime = Date.parse(samples[atPeak]?.lastScaleTime ?? '');
    const upAt = Math.max(lastScaleUp, peakScaleTime);
    // lastScaleTime has whole seconds: one second of slack.
    expect((decreases[0]?.at ?? 0) - upAt).toBeGreaterThanOrEqual((window - 1) * 1000);
    for (const [index, decrease] of decreases.entries()) {
      expect(decrease.from - decrease.to, JSON.stringify(decreases)).toBeLessThanOrEqual(value);
      const previous = decreases[index - 1];
      if (previous) expect(decrease.at - previous.at).toBeGreaterThanOrEqual((periodSeconds - 1) * 1000);
    }
    console.info(
      `HPA: ${peak} → ${spec.minReplicas} replicas; first step down ${((decreases[0]!.at - upAt) / 1000).toFixed(0)} s ` +
        `after the last scale-up (window ${window} s), back at minReplicas ` +
        `${((backAtMin.atMs - loadStoppedAtMs) / 1000).toFixed(0)} s after the load stopped; ` +
        `steps at ${decreases.map((decrease) => new Date(decrease.at).toISOString().slice(11, 19)).join(', ')}`,
    );
  }, 900_000);
});
