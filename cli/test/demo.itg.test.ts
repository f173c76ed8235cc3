import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deleteManifest } from '../../actions/build-push/test/registry-api.js';
import { podNetwork } from '../../sandbox/src/cluster/network.js';
import { sandboxStatus } from '../../sandbox/src/sandbox.js';
import { removeImagesLabelled, useSandbox } from '../../sandbox/src/testing.js';
import { type DemoResult, runDemo } from '../src/demo/demo.js';
import { metricsApiUrl } from '../src/demo/service-check.js';

const LABEL = 'k8s-ship.test=cli-demo';
// Its own namespace and repository: a person's demo (namespace dev) on the same sandbox stays untouched.
const namespacePrefix = `demo-itg-${process.pid}-`;
const namespace = `${namespacePrefix}dev`;
const repository = `k8s-ship-itg/demo-${process.pid}`;

interface Run {
  result: DemoResult;
  printed: string;
}

async function demo(): Promise<Run> {
  let printed = '';
  const result = await runDemo({
    out: { write: (text: string) => (printed += text) },
    startedBy: 'tests',
    namespacePrefix,
    repository,
    imageLabel: LABEL,
  });
  return { result, printed };
}

const labels = (run: Run) => run.result.timeline.phases.map((phase) => phase.label);

/**
 * `npm run demo` without the machine setup, twice, on the sandbox: the real service built on the local
 * bases, pushed, scanned by the Trivy built here (offline, on the local DB), deployed from the real dev
 * overlay over SSH and rolled out, then asked through the API server's service proxy (`kubectl proxy`); the second run ships a new image
 * as an update rollout.
 */
describe('the demo on the sandbox', () => {
  let endpoints: Awaited<ReturnType<typeof useSandbox<'docker' | 'registry' | 'kube' | 'ssh'>>>;
  const runs: Run[] = [];

  const kubectl = (args: string[]) =>
    execFileSync('kubectl', args, {
      env: { ...process.env, KUBECONFIG: endpoints.kube.kubeconfig },
      encoding: 'utf8',
    });

  beforeAll(async () => {
    endpoints = await useSandbox(['docker', 'registry', 'kube', 'ssh']);
    runs.push(await demo());
  });

  afterAll(async () => {
    if (!endpoints) return;
    try {
      kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--timeout=90s']);
    } catch {
      // reported by the tests themselves
    }
    await removeImagesLabelled(endpoints.docker, LABEL);
    const { password } = JSON.parse(readFileSync(endpoints.registry.credentialsFile, 'utf8'));
    const registry = { url: endpoints.registry.url, username: endpoints.registry.username, password };
    for (const run of runs) {
      const digest = run.result.outputs.digest;
      if (digest) await deleteManifest(registry, repository, digest);
      const folder = /files of this run are in (\S+)/.exec(run.printed)?.[1];
      if (folder) rmSync(folder, { recursive: true, force: true });
    }
  });

  test('runs every phase and succeeds', () => {
    const [first] = runs as [Run];
    expect(first.result.succeeded, first.printed).toBe(true);
    expect(labels(first)).toEqual(
      expect.arrayContaining(['sandbox', 'bundle', 'base images', 'target', 'build', 'push', 'scan']),
    );
    expect(labels(first)).toEqual(expect.arrayContaining(['deploy', 'rollout', 'cleanup', 'check']));
    expect(first.printed).toContain('Trivy built from its sources');
    // Real findings for the image just built: the runtime base's Debian packages, with no fix yet.
    expect(first.printed).toMatch(
      /Scan findings \(\d+;[\s\S]*CVE-2019-1010022 +libc6 2\.36-9\+deb12u\d+, fixed in none yet \(affected\)/,
    );
    expect(first.printed).toContain('npm run sandbox -- down');
  });

  test('bootstraps the namespace from the dev overlay and the service answers through the proxy', () => {
    const [first] = runs as [Run];
    expect(first.result.outputs).toMatchObject({
      environment: 'dev',
      namespace,
      overlay: 'k8s/overlays/dev',
      bootstrapped: 'true',
      revision: '1',
      result: 'succeeded',
    });
    const answers = first.result.answers!;
    expect(answers.url).toBe(metricsApiUrl(endpoints.kube.proxyUrl, namespace));
    expect(answers.url).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/namespaces\/.+\/services\/metrics-api:http\/proxy$/,
    );
    expect(answers.info.environment).toBe('dev');
    expect(answers.health).toMatchObject({ status: 'ok' });
    expect(answers.system).toHaveProperty('cpu');
    const deployment = JSON.parse(
      kubectl(['get', 'deployment', 'metrics-api', '-n', namespace, '-o', 'json']),
    );
    expect(deployment.spec.template.spec.containers[0].image).toBe(first.result.outputs['image-ref']);
    // The real overlay, unmodified: no pull secret (the kubelet's image credential provider logs in to the
    // registry, as ECR's does on AWS), and the running container is the pushed image, by digest.
    expect(deployment.spec.template.spec.imagePullSecrets).toBeUndefined();
    const pods = JSON.parse(
      kubectl(['get', 'pods', '-n', namespace, '-l', 'app.kubernetes.io/name=metrics-api', '-o', 'json']),
    ).items as { status: { podIP: string; containerStatuses: { imageID: string; ready: boolean }[] } }[];
    const running = pods.filter((pod) => pod.status.containerStatuses?.[0]?.ready);
    expect(running.length).toBeGreaterThan(0);
    for (const pod of running) {
      expect(pod.status.containerStatuses[0]?.imageID).toBe(first.result.outputs['image-ref']);
    }
    // The Service's ready endpoints are the pods' own addresses on the pod network, on the containerPort.
    const slices = JSON.parse(
      kubectl([
        'get',
        'endpointslices',
        '-n',
        namespace,
        '-l',
        'kubernetes.io/service-name=metrics-api',
        '-o',
        'json',
      ]),
    ).items as {
      endpoints: { addresses: string[]; conditions: { ready: boolean } }[];
      ports: { port: number }[];
    }[];
    const ready = slices.flatMap((slice) =>
      slice.endpoints
        .filter((endpoint) => endpoint.conditions.ready)
        .flatMap((endpoint) => endpoint.addresses),
    );
    const subnet = podNetwork.subnet.slice(0, podNetwork.subnet.lastIndexOf('.') + 1);
    expect(ready.length).toBeGreaterThan(0);
    for (const address of ready) expect(address.startsWith(subnet), address).toBe(true);
    expect(ready.sort()).toEqual(running.map((pod) => pod.status.podIP).sort());
    expect(slices.flatMap((slice) => slice.ports.map((port) => port.port))).toEqual([8000]);
  });

  test('a second run ships a new image as an update rollout and leaves the sandbox up', async () => {
    const [first] = runs as [Run];
    const second = await demo();
    runs.push(second);
    expect(second.result.succeeded, second.printed).toBe(true);
    expect(second.result.outputs.digest).not.toBe(first.result.outputs.digest);
    expect(second.result.outputs).toMatchObject({
      bootstrapped: 'false',
      changed: 'true',
      'previous-image': first.result.outputs['image-ref'],
      revision: '2',
      result: 'succeeded',
    });
    expect(second.result.answers?.info.environment).toBe('dev');
    expect(second.printed).toMatch(/reused docker, registry, kube, prometheus, ssh/);
    const status = await sandboxStatus();
    expect(status.components).toEqual({
      docker: 'up',
      registry: 'up',
      kube: 'up',
      prometheus: 'up',
      ssh: 'up',
    });
  }, 300_000);
});
