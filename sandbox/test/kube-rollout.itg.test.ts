import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerEnv } from '../src/docker-engine.js';
import { CommandError, run, sleep } from '../src/exec.js';
import { eventually, httpServerCommand, type KubeSandbox, startKubeSandbox } from './kube-harness.js';

/** Deployments on the sandbox: rolling updates, history, undo, scale and progress deadlines, via kubectl. */
let kube: KubeSandbox;
let imageV2: string;
const ns = ['-n', 'kube-test-rollout'];

function deployment(image: string): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'app', namespace: 'kube-test-rollout' },
    spec: {
      replicas: 2,
      progressDeadlineSeconds: 6,
      selector: { matchLabels: { app: 'app' } },
      strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: { app: 'app' } },
        spec: {
          terminationGracePeriodSeconds: 2,
          containers: [
            {
              name: 'web',
              image,
              command: httpServerCommand('v1'),
              env: [{ name: 'GREETING', value: 'one' }],
              readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
            },
          ],
        },
      },
    },
  });
}

async function proxyPort(): Promise<number> {
  const svc = await eventually(
    'the service proxy port',
    () => kube.json([...ns, 'get', 'service', 'app']),
    (s) => Boolean(s.metadata.annotations?.['sandbox.k8s-ship/proxy-ports']),
  );
  return JSON.parse(svc.metadata.annotations['sandbox.k8s-ship/proxy-ports'])['80'];
}

/** One request on a new connection, so that it is routed afresh (a kept-alive one stays on its pod). */
function freshRequest(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

async function freshGet(port: number): Promise<string> {
  return (await freshRequest(port)).body;
}

beforeAll(async () => {
  kube = await startKubeSandbox();
  // A second tag of the same local image, so that `set image` changes the template for real.
  imageV2 = 'k8s-ship.local/kube-test-app:v2';
  await run('docker', ['tag', kube.nodeImage, imageV2], { env: dockerEnv(kube.engine) });
  await kube.kubectl(
    ['apply', '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-test-rollout' } }),
  );
  await kube.kubectl(['apply', '-f', '-'], deployment(kube.nodeImage));
  await kube.kubectl(
    ['apply', '-f', '-'],
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'app', namespace: 'kube-test-rollout' },
      spec: { selector: { app: 'app' }, ports: [{ port: 80, targetPort: 8080 }] },
    }),
  );
});

afterAll(async () => {
  await kube?.stop();
  await run('docker', ['rmi', imageV2], { env: dockerEnv(kube.engine) }).catch(() => undefined);
});

describe('rollouts on the kube sandbox', () => {
  it('reports a first rollout as complete once the pods pass their readiness probe', async () => {
    const { stdout } = await kube.kubectl([...ns, 'rollout', 'status', 'deployment/app', '--timeout=90s']);
    expect(stdout).toContain('deployment "app" successfully rolled out');
    const rs = await kube.json([...ns, 'get', 'replicasets']);
    expect(rs.items).toHaveLength(1);
    const [only] = rs.items;
    expect(only.metadata.name).toBe(`app-${only.metadata.labels['pod-template-hash']}`);
    expect(only.metadata.ownerReferences[0]).toMatchObject({
      kind: 'Deployment',
      name: 'app',
      controller: true,
    });
    const pods = await kube.json([...ns, 'get', 'pods']);
    for (const pod of pods.items) {
      expect(pod.metadata.ownerReferences[0].name).toBe(only.metadata.name);
      expect(pod.status.conditions.find((c: { type: string }) => c.type === 'Ready').status).toBe('True');
      expect(pod.status.containerStatuses[0]).toMatchObject({
        ready: true,
        restartCount: 0,
        state: { running: {} },
      });
    }
  });

  it('reports a finished rollout as complete, and exits 0, on every one of 20 runs', async () => {
    // kubectl once hung after printing success until its watch timed out (minutes), so each run is cut
    // at 15 s: a finished rollout takes kubectl well under a second.
    const env = { ...process.env, KUBECONFIG: kube.kubeconfig };
    const outcomes: string[] = [];
    for (let i = 0; i < 20; i++) {
      try {
        const { stdout } = await run('kubectl', [...ns, 'rollout', 'status', 'deployment/app'], {
          env,
          timeoutMs: 15_000,
        });
        outcomes.push(stdout === 'deployment "app" successfully rolled out\n' ? 'ok' : `run ${i}: ${stdout}`);
      } catch (error) {
        const code = error instanceof CommandError ? error.exitCode : undefined;
        outcomes.push(`run ${i}: exit ${code ?? 'killed after 15 s'}: ${(error as Error).message}`);
      }
    }
    expect(outcomes.filter((o) => o !== 'ok')).toEqual([]);
  }, 330_000);

  it('rolls out a new image through the service proxy without one failed request', async () => {
    const port = await proxyPort();
    let stop = false;
    const bodies: string[] = [];
    const failures: string[] = [];
    const traffic = (async () => {
      while (!stop) {
        // New connections, routed afresh each time: these test pods do not drain kept-alive connections
        // on SIGTERM (they are killed after the grace period), which fails pooled requests on a real
        // cluster too. Kept-alive traffic through a rollout is service-rollout.itg.test.ts's, with the
        // real service, which drains.
        try {
          const { status, body } = await freshRequest(port);
          if (status !== 200) failures.push(`${status} ${body}`);
          else bodies.push(body);
        } catch (error) {
          failures.push(String(error));
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    try {
      await kube.kubectl([...ns, 'set', 'image', 'deployment/app', `web=${imageV2}`]);
      await kube.kubectl([...ns, 'set', 'env', 'deployment/app', 'GREETING=two']);
      await kube.kubectl([...ns, 'annotate', 'deployment/app', 'kubernetes.io/change-cause=release two']);
      const { stdout } = await kube.kubectl([...ns, 'rollout', 'status', 'deployment/app', '--timeout=90s']);
      expect(stdout).toContain('successfully rolled out');
    } finally {
      stop = true;
      await traffic;
    }
    expect(failures).toEqual([]);
    expect(bodies.length).toBeGreaterThan(20);
    expect(bodies).toContain('v1 one\n');
    expect(await freshGet(port)).toBe('v1 two\n');
    const d = await kube.json([...ns, 'get', 'deployment', 'app']);
    expect(d.spec.template.spec.containers[0].image).toBe(imageV2);
    expect(d.status.observedGeneration).toBe(d.metadata.generation);
  });

  it('keeps the revision history with change-causes and rolls back with undo', async () => {
    const history = (await kube.kubectl([...ns, 'rollout', 'history', 'deployment/app'])).stdout;
    expect(history).toMatch(/REVISION\s+CHANGE-CAUSE/);
    expect(history).toMatch(/1\s+<none>/);
    expect(history).toMatch(/\d\s+release two/);
    await kube.kubectl([...ns, 'rollout', 'undo', 'deployment/app', '--to-revision=1']);
    await kube.kubectl([...ns, 'rollout', 'status', 'deployment/app', '--timeout=90s']);
    const d = await kube.json([...ns, 'get', 'deployment', 'app']);
    expect(d.spec.template.spec.containers[0].image).toBe(kube.nodeImage);
    const after = (await kube.kubectl([...ns, 'rollout', 'history', 'deployment/app'])).stdout;
    // Revision 1 came back as the newest revision.
    expect(after).not.toMatch(/^1\s/m);
    expect(Number(d.metadata.annotations['deployment.kubernetes.io/revision'])).toBeGreaterThanOrEqual(3);
    expect(await freshGet(await proxyPort())).toBe('v1 one\n');
  });

  it('scales up and down, recording ScalingReplicaSet events', async () => {
    await kube.kubectl([...ns, 'scale', 'deployment/app', '--replicas=3']);
    await kube.kubectl([...ns, 'rollout', 'status', 'deployment/app', '--timeout=90s']);
    expect((await kube.kubectl([...ns, 'get', 'deployment', 'app'])).stdout).toMatch(/app\s+3\/3\s+3\s+3/);
    await kube.kubectl([...ns, 'scale', 'deployment/app', '--replicas=1']);
    await eventually(
      'one pod after scaling down',
      async () => (await kube.json([...ns, 'get', 'pods'])).items.length,
      (n) => n === 1,
    );
    const events = (await kube.kubectl([...ns, 'get', 'events'])).stdout;
    expect(events).toMatch(
      /Normal\s+ScalingReplicaSet\s+deployment\/app\s+Scaled up replica set app-\w+ from 2 to 3/,
    );
    expect(events).toMatch(
      /Normal\s+ScalingReplicaSet\s+deployment\/app\s+Scaled down replica set app-\w+ from 3 to 1/,
    );
    expect(events).toMatch(/Normal\s+Killing\s+pod\/app-\S+\s+Stopping container web/);
  });

  it('fails rollout status at the progress deadline when the new image cannot be pulled', async () => {
    await kube.kubectl([...ns, 'set', 'image', 'deployment/app', 'web=127.0.0.1:9/kube-test/missing:1']);
    const error = await kube.kubectlFails([...ns, 'rollout', 'status', 'deployment/app', '--timeout=90s']);
    expect(error).toContain('deployment "app" exceeded its progress deadline');
    const d = await kube.json([...ns, 'get', 'deployment', 'app']);
    const progressing = d.status.conditions.find((c: { type: string }) => c.type === 'Progressing');
    expect(progressing).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    expect(progressing.message).toMatch(/^ReplicaSet "app-\w+" has timed out progressing.$/);
    // The old pod keeps serving: maxUnavailable is 0.
    expect(d.status.availableReplicas).toBe(1);
    const pods = (await kube.kubectl([...ns, 'get', 'pods'])).stdout;
    expect(pods).toMatch(/0\/1\s+(ErrImagePull|ImagePullBackOff)/);
  });

  it('runs a preStop sleep before SIGTERM, the container serving meanwhile', async () => {
    await kube.kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'prestop', namespace: 'kube-test-rollout', labels: { role: 'prestop' } },
        spec: {
          terminationGracePeriodSeconds: 10,
          containers: [
            {
              name: 'web',
              image: kube.nodeImage,
              // Exits at once on SIGTERM (as PID 1, Node would ignore it): only the preStop sleep keeps it serving.
              command: [
                'node',
                '-e',
                "process.on('SIGTERM',()=>process.exit(0));require('http').createServer((q,s)=>s.end('still here\\n')).listen(+process.env.PORT,'127.0.0.1')",
              ],
              readinessProbe: { httpGet: { path: '/' }, periodSeconds: 1 },
              lifecycle: { preStop: { sleep: { seconds: 3 } } },
            },
          ],
        },
      }),
    );
    await kube.kubectl([...ns, 'wait', '--for=condition=Ready', 'pod/prestop', '--timeout=60s']);
    const pod = await kube.json([...ns, 'get', 'pod', 'prestop']);
    const port = Number(pod.metadata.annotations['sandbox.k8s-ship/port']);
    const started = Date.now();
    const deleting = kube.kubectl([...ns, 'delete', 'pod', 'prestop', '--timeout=60s']);
    await sleep(1500);
    expect(await freshGet(port)).toBe('still here\n');
    await deleting;
    // After the 3 s sleep, SIGTERM, not the SIGKILL at the end of the 10 s grace period.
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
    expect(Date.now() - started).toBeLessThan(9000);
  });

  it('deletes the deployment with its replica sets and pods', async () => {
    await kube.kubectl([...ns, 'delete', 'deployment', 'app', '--timeout=60s']);
    await eventually(
      'the pods to be gone',
      async () => (await kube.json([...ns, 'get', 'pods'])).items.length,
      (n) => n === 0,
      30_000,
    );
    expect((await kube.json([...ns, 'get', 'replicasets'])).items).toEqual([]);
  });
});
