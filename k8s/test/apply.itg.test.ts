import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { kustomizeBuild, localKubectlPath } from '../../actions/lib/src/kubectl/kustomize.js';
import { useSandbox } from '../../sandbox/src/testing.js';
import { type KubeObject, parseManifests } from '../src/manifests.js';
import { OVERLAYS, type Overlay } from '../src/paths.js';
import { wrapperKustomization } from '../src/render-overlay.js';

const execFileAsync = promisify(execFile);

// Every overlay, with monitoring, applied by the real kubectl (`apply -k`) to the sandbox's Kubernetes
// cluster as its admin. The image is set through kustomize as the pipeline does: the overlays' placeholder
// would send the kubelet to a public registry, and this machine talks to loopback only. Nothing listens on
// port 9, so the pods end in ErrImagePull, which is not what these tests look at.
const image = '127.0.0.1:9/k8s-ship/service:apply-test';

// A real API server knows ServiceMonitor and PrometheusRule only from the Prometheus operator's CRDs: the
// test installs minimal ones and removes them after. CRDs someone else installed are used and left alone.
const crdFixture = join(import.meta.dirname, 'fixtures', 'prometheus-operator-crds.yaml');
const crdLabel = 'app.kubernetes.io/part-of=k8s-ship-apply-test';

let kubeconfig: string;
const workDirs: string[] = [];

async function kubectlOutput(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return execFileAsync(localKubectlPath(), ['--kubeconfig', kubeconfig, ...args], {
    maxBuffer: 16 * 1024 * 1024,
  });
}

async function kubectl(...args: string[]): Promise<string> {
  return (await kubectlOutput(...args)).stdout;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `read` until `check` accepts it; fails with the last value seen. */
async function eventually<T>(what: string, read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 60_000;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (check(last)) return last;
    await sleep(500);
  }
  throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(last)}`);
}

/** Installs the fixture's CRDs that the cluster lacks, labelled as this test's, and waits for them. */
async function installMonitoringCrds(): Promise<void> {
  const crds = parseManifests(readFileSync(crdFixture, 'utf8'));
  const missing: KubeObject[] = [];
  for (const crd of crds) {
    const found = await kubectl('get', 'crd', crd.metadata.name, '--ignore-not-found', '-o', 'name');
    if (found.trim() === '') missing.push(crd);
  }
  if (missing.length === 0) return;
  const dir = mkdtempSync(join(tmpdir(), 'apply-crds-'));
  workDirs.push(dir);
  writeFileSync(join(dir, 'crds.yaml'), missing.map((crd) => stringify(crd)).join('---\n'));
  await kubectl('create', '-f', join(dir, 'crds.yaml'));
  await kubectl(
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    ...missing.map((crd) => `crd/${crd.metadata.name}`),
  );
}

function wrap(overlay: Overlay): { dir: string; namespace: string } {
  const dir = mkdtempSync(join(tmpdir(), `apply-${overlay}-`));
  workDirs.push(dir);
  // Namespaces of their own, so other test files' objects in dev/stage/prod are never touched.
  const namespace = `apply-test-${overlay}`;
  const kustomization = wrapperKustomization({ overlay, namespace, image, monitoring: true }, dir);
  writeFileSync(join(dir, 'kustomization.yaml'), stringify(kustomization));
  return { dir, namespace };
}

function ids(objects: Pick<KubeObject, 'kind' | 'metadata'>[]): string[] {
  return objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
}

/**
 * What tells whether the server changed an object: its generation where it has one (controllers keep
 * updating the status, and so the resourceVersion, of Deployments, HPAs and PDBs), else its resourceVersion.
 */
async function servedVersions(dir: string): Promise<Record<string, string>> {
  const served = JSON.parse(await kubectl('get', '-k', dir, '-o', 'json')) as {
    items: (KubeObject & { metadata: { generation?: number; resourceVersion: string } })[];
  };
  return Object.fromEntries(
    served.items.map((object) => [
      `${object.kind}/${object.metadata.name}`,
      object.metadata.generation !== undefined
        ? `generation ${object.metadata.generation}`
        : `resourceVersion ${object.metadata.resourceVersion}`,
    ]),
  );
}

beforeAll(async () => {
  ({
    kube: { kubeconfig },
  } = await useSandbox(['kube']));
  await installMonitoringCrds();
});

afterAll(async () => {
  // After every overlay's objects are gone (the describe blocks' own afterAll run first).
  if (kubeconfig) await kubectl('delete', 'crd', '--selector', crdLabel, '--wait=true', '--timeout=120s');
  for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
});

describe.each(OVERLAYS)('kubectl apply -k of the %s overlay', (overlay) => {
  let dir: string;
  let namespace: string;
  let rendered: KubeObject[];

  beforeAll(async () => {
    ({ dir, namespace } = wrap(overlay));
    rendered = parseManifests((await kustomizeBuild(dir)).yaml);
    // A namespace left by an interrupted run would turn `created` into `unchanged`; deletion is asynchronous.
    await kubectl('delete', 'namespace', namespace, '--ignore-not-found', '--wait=true', '--timeout=120s');
  });

  afterAll(async () => {
    if (dir) await kubectl('delete', '-k', dir, '--ignore-not-found', '--wait=true', '--timeout=120s');
  });

  it('creates every rendered object, and the API serves each back', async () => {
    const { stdout: applied, stderr } = await kubectlOutput('apply', '-k', dir);
    expect(applied.trim().split('\n')).toHaveLength(rendered.length);
    expect(applied).not.toMatch(/unchanged|configured/);
    // The namespace's `warn: restricted` label: the API server warns of a pod template it would refuse.
    expect(stderr).not.toContain('PodSecurity');

    const served = JSON.parse(await kubectl('get', '-k', dir, '-o', 'json')) as { items: KubeObject[] };
    expect(ids(served.items)).toEqual(ids(rendered));
    for (const object of served.items) {
      if (object.kind !== 'Namespace') expect(object.metadata.namespace).toBe(namespace);
    }
  });

  it('runs the Deployment with the image set through kustomize, its pods admitted as restricted', async () => {
    const written = rendered.find((object) => object.kind === 'Deployment') as
      | (KubeObject & { spec: { replicas?: number } })
      | undefined;
    const hpa = rendered.find((object) => object.kind === 'HorizontalPodAutoscaler') as
      | (KubeObject & { spec: { minReplicas: number } })
      | undefined;
    // prod leaves the count to its HPA, which scales the Deployment from the default 1 to minReplicas
    // without metrics on its first sync (every 15 s): one more generation.
    const replicas = written?.spec.replicas ?? hpa?.spec.minReplicas ?? 1;
    const deployment = await eventually(
      `the Deployment in ${namespace} at ${replicas} replicas`,
      async () =>
        JSON.parse(await kubectl('get', 'deployment', 'metrics-api', '-n', namespace, '-o', 'json')),
      (served) => served.spec.replicas === replicas,
    );
    expect(deployment.spec.template.spec.containers[0].image).toBe(image);
    expect(deployment.metadata.generation).toBe(hpa ? 2 : 1);
    // The ReplicaSet controller creates the pods only if Pod Security admission lets them in.
    const pods = await eventually(
      `${replicas} pods in ${namespace}`,
      async () =>
        (
          JSON.parse(await kubectl('get', 'pods', '-n', namespace, '-o', 'json')) as {
            items: { spec: { containers: { image: string }[] } }[];
          }
        ).items,
      (items) => items.length === replicas,
    );
    for (const pod of pods) expect(pod.spec.containers[0]?.image).toBe(image);
  });

  it('changes nothing when applied again', async () => {
    const before = await servedVersions(dir);
    const again = await kubectl('apply', '-k', dir);
    expect(again).not.toMatch(/ created$/m);
    for (const line of again.trim().split('\n')) expect(line).toMatch(/ (unchanged|configured)$/);
    // After the HPA took over prod's replica count: a re-apply must not take it back.
    // kubectl's client-side apply sends a patch, and says `configured`, whenever the manifest differs from
    // the API server's canonical form (a PodDisruptionBudget's selector, on every apply). The server must
    // find nothing to change.
    expect(await servedVersions(dir)).toEqual(before);
  });

  it(overlay === 'prod' ? 'has the HPA and PDB of prod' : 'has no HPA and no PDB', async () => {
    const kinds = JSON.parse(
      await kubectl('get', 'horizontalpodautoscalers,poddisruptionbudgets', '-n', namespace, '-o', 'json'),
    ) as { items: KubeObject[] };
    expect(ids(kinds.items)).toEqual(
      overlay === 'prod' ? ['HorizontalPodAutoscaler/metrics-api', 'PodDisruptionBudget/metrics-api'] : [],
    );
  });

  it('serves the ServiceMonitor and PrometheusRule back as written, through the CRDs', async () => {
    for (const kind of ['ServiceMonitor', 'PrometheusRule']) {
      const written = rendered.find((object) => object.kind === kind);
      expect(written, `the overlay with monitoring renders a ${kind}`).toBeDefined();
      const served = JSON.parse(
        await kubectl(
          'get',
          `${kind.toLowerCase()}s.monitoring.coreos.com`,
          written!.metadata.name,
          '-n',
          namespace,
          '-o',
          'json',
        ),
      );
      expect(served.spec).toEqual(written!.spec);
    }
  });
});
