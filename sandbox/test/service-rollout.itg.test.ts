import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServiceBundle } from '../../service/test/support/service-process.js';
import { ensureNodeBaseImage } from '../src/base-image.js';
import { dockerEnv } from '../src/docker-engine.js';
import { run } from '../src/exec.js';
import { serviceProxyUrl } from '../src/kubectl-proxy.js';
import { repoRoot } from '../src/paths.js';
import { useSandbox } from '../src/testing.js';
import { type ClusterClient, clusterClient, eventually } from './cluster-client.js';
import { serviceDeployment } from './service-deployment.js';
import { startSteadyLoad } from './steady-load.js';

/**
 * The real service image, pushed to the real registry, rolled out on the sandbox's real cluster under
 * continuous requests through the API server's service proxy: with readiness on /ready, a preStop sleep
 * and maxUnavailable 0, not one request may fail. The kubelet pulls with its credential provider.
 */
const namespace = `service-rollout-${process.pid}`;
const ns = ['-n', namespace];
const releases = ['a', 'b'] as const;
let kube: ClusterClient;
let proxyPort: number;
let env: NodeJS.ProcessEnv;
let dockerConfig: string;
let images: Record<(typeof releases)[number], string>;
let registryUrl: string;
/** The Dockerfile's build stage, which the legacy builder keeps as untagged images. */
const bundleStages = new Set<string>();
let basicAuth: string;

/** Builds service/Dockerfile on the local bases; the release label makes each build its own digest. */
async function buildAndPush(registryAddress: string, release: string): Promise<string> {
  const image = `${registryAddress}/service-rollout/metrics-api:${release}-${process.pid}`;
  const bases = [
    '--build-arg',
    `BUILD_IMAGE=${await ensureNodeBaseImage({ host: env.DOCKER_HOST! }, 'build')}`,
    '--build-arg',
    `RUNTIME_IMAGE=${await ensureNodeBaseImage({ host: env.DOCKER_HOST! }, 'runtime')}`,
  ];
  const context = join(repoRoot, 'service');
  await run(
    'docker',
    [
      'build',
      '--quiet',
      ...bases,
      '--file',
      join(repoRoot, 'service', 'Dockerfile'),
      '--build-arg',
      `VERSION=0.0.0-${release}`,
      '--label',
      `k8s-ship.test=${namespace}`,
      '--label',
      `k8s-ship.test.release=${release}`,
      '--tag',
      image,
      context,
    ],
    { env, timeoutMs: 180_000 },
  );
  // A cache hit that names the build stage, so that afterAll can remove it (as image.itg.test.ts does).
  const stage = await run(
    'docker',
    ['build', '--quiet', ...bases, '--file', join(context, 'Dockerfile'), '--target', 'bundle', context],
    { env },
  );
  bundleStages.add(stage.stdout.trim());
  await run('docker', ['--config', dockerConfig, 'push', '--quiet', image], { env, timeoutMs: 120_000 });
  return image;
}

/** Deletes a pushed tag's manifest from the registry (deletes are enabled), so the test leaves it as found. */
async function deleteFromRegistry(image: string): Promise<void> {
  const [, repository, tag] = /^[^/]+\/(.+):([^:]+)$/.exec(image)!;
  const manifest = `${registryUrl}/v2/${repository}/manifests/${tag}`;
  const headers = {
    Authorization: `Basic ${basicAuth}`,
    Accept:
      'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json',
  };
  const head = await fetch(manifest, { method: 'HEAD', headers });
  const digest = head.headers.get('docker-content-digest');
  if (!head.ok || !digest) throw new Error(`no manifest for ${image} in the registry: HTTP ${head.status}`);
  const gone = await fetch(`${registryUrl}/v2/${repository}/manifests/${digest}`, {
    method: 'DELETE',
    headers,
  });
  if (gone.status !== 202)
    throw new Error(`deleting ${image} from the registry answered HTTP ${gone.status}`);
}

beforeAll(async () => {
  const { registry, docker, kube: cluster } = await useSandbox(['docker', 'registry', 'kube']);
  kube = clusterClient(cluster.kubeconfig);
  proxyPort = Number(new URL(cluster.proxyUrl).port);
  env = dockerEnv(docker);
  await buildServiceBundle();
  const credentials = JSON.parse(readFileSync(registry.credentialsFile, 'utf8')) as {
    username: string;
    password: string;
  };
  dockerConfig = mkdtempSync(join(tmpdir(), 'service-rollout-docker-'));
  await run(
    'docker',
    [
      '--config',
      dockerConfig,
      'login',
      '--username',
      credentials.username,
      '--password-stdin',
      registry.address,
    ],
    { env, input: credentials.password },
  );
  images = { a: await buildAndPush(registry.address, 'a'), b: await buildAndPush(registry.address, 'b') };
  const auth = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
  registryUrl = registry.url;
  basicAuth = auth;
  const apply = (object: unknown) => kube.kubectl(['apply', '-f', '-'], JSON.stringify(object));
  await apply({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: namespace, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
  });
  await apply({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'metrics-api', namespace },
    spec: {
      selector: { 'app.kubernetes.io/name': 'metrics-api' },
      ports: [{ name: 'http', port: 80, targetPort: 'http' }],
    },
  });
  await kube.kubectl(['apply', '-f', '-'], serviceDeployment(namespace, images.a, 2));
  await kube.kubectl([...ns, 'rollout', 'status', 'deployment/metrics-api', '--timeout=100s']);
}, 600_000);

afterAll(async () => {
  await kube?.kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--timeout=120s']);
  if (dockerConfig) rmSync(dockerConfig, { recursive: true, force: true });
  if (images) {
    await run('docker', ['rmi', images.a, images.b], { env }).catch(() => undefined);
    for (const image of Object.values(images)) await deleteFromRegistry(image);
  }
  // Left when another build still uses it.
  for (const stage of bundleStages)
    await run('docker', ['image', 'rm', stage], { env }).catch(() => undefined);
});

describe('a rolling update of the service image through the service proxy', () => {
  it('completes with zero failed requests and leaves every pod on the new image', async () => {
    const url = `${serviceProxyUrl(proxyPort, namespace, 'metrics-api', 'http')}/health`;
    const load = startSteadyLoad(url, {
      keepAliveWorkers: 2,
      freshWorkers: 2,
      pauseMs: 10,
      maxRequests: 60_000,
      maxMs: 240_000,
    });
    let report: Awaited<ReturnType<typeof load.stop>>;
    try {
      await eventually(
        'the first answers through the proxy',
        async () => load.succeeded,
        (n) => n >= 20,
      );
      await kube.kubectl([...ns, 'set', 'image', 'deployment/metrics-api', `metrics-api=${images.b}`]);
      const status = await kube.kubectl([
        ...ns,
        'rollout',
        'status',
        'deployment/metrics-api',
        '--timeout=180s',
      ]);
      expect(status.stdout).toContain('deployment "metrics-api" successfully rolled out');
      // Old pods drain after the rollout counts as done: keep the load on until they are gone.
      await eventually(
        'the old pods to be gone',
        async () => (await kube.json([...ns, 'get', 'pods'])).items,
        (pods: { spec: { containers: { image: string }[] } }[]) =>
          pods.length === 2 && pods.every((p) => p.spec.containers[0]!.image === images.b),
        120_000,
      );
    } finally {
      report = await load.stop();
    }
    const figures = `${report.succeeded} requests answered 2xx in ${report.durationMs} ms`;
    expect(report.failures, figures).toEqual([]);
    expect(report.endedByBound).toBe(false);
    expect(report.succeeded).toBeGreaterThan(200);

    // The image the kubelet pulled is the one pushed: the registry's digest for the tag.
    const pushedDigest = (
      await run('docker', ['image', 'inspect', '--format', '{{index .RepoDigests 0}}', images.b], { env })
    ).stdout
      .trim()
      .split('@')[1];
    const pods = await kube.json([...ns, 'get', 'pods']);
    expect(pods.items).toHaveLength(2);
    const addresses = new Set<string>();
    for (const pod of pods.items) {
      expect(pod.status.containerStatuses[0]).toMatchObject({
        image: images.b,
        ready: true,
        state: { running: {} },
      });
      expect(pod.status.containerStatuses[0].imageID).toMatch(new RegExp(`@${pushedDigest}$`));
      // Each pod on its own address on the sandbox's bridge, the service on its own port 8000.
      expect(pod.status.podIP).toMatch(/^10\.200\.0\.\d+$/);
      addresses.add(pod.status.podIP);
      const direct = await fetch(`http://${pod.status.podIP}:8000/health`, {
        signal: AbortSignal.timeout(5000),
      });
      expect(direct.status).toBe(200);
    }
    expect(addresses.size).toBe(2);
    const d = await kube.json([...ns, 'get', 'deployment', 'metrics-api']);
    expect(d.status).toMatchObject({ replicas: 2, updatedReplicas: 2, availableReplicas: 2 });
    expect(d.status.observedGeneration).toBe(d.metadata.generation);
  });
});
