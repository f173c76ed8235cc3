import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { useSandbox } from '../../sandbox/src/testing.js';
import { kubectlBinary, kustomizeBuild } from '../src/kustomize.js';
import { type KubeObject, parseManifests } from '../src/manifests.js';
import { OVERLAYS, type Overlay } from '../src/paths.js';
import { wrapperKustomization } from '../src/render-overlay.js';

const execFileAsync = promisify(execFile);

// Every overlay, with monitoring, applied by the real kubectl (`apply -k`) to the sandbox's Kubernetes API.
// The image is set through kustomize as the pipeline does: the overlays' placeholder would send the
// sandbox's kubelet to a public registry, and this machine talks to loopback only. Nothing listens on
// port 9, so the pods end in ErrImagePull, which is not what these tests look at.
const image = '127.0.0.1:9/k8s-ship/service:apply-test';

let kubeconfig: string;
const workDirs: string[] = [];

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(kubectlBinary(), ['--kubeconfig', kubeconfig, ...args], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
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

beforeAll(async () => {
  ({
    kube: { kubeconfig },
  } = await useSandbox(['docker', 'kube']));
});

afterAll(() => {
  for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
});

describe.each(OVERLAYS)('kubectl apply -k of the %s overlay', (overlay) => {
  let dir: string;
  let namespace: string;
  let rendered: KubeObject[];

  beforeAll(async () => {
    ({ dir, namespace } = wrap(overlay));
    rendered = parseManifests((await kustomizeBuild(dir)).yaml);
  });

  afterAll(async () => {
    await kubectl('delete', '-k', dir, '--wait=false', '--ignore-not-found').catch(() => undefined);
  });

  it('creates every rendered object, and the API serves each back', async () => {
    const applied = await kubectl('apply', '-k', dir);
    expect(applied.trim().split('\n')).toHaveLength(rendered.length);
    expect(applied).not.toMatch(/unchanged|configured/);

    const served = JSON.parse(await kubectl('get', '-k', dir, '-o', 'json')) as { items: KubeObject[] };
    expect(ids(served.items)).toEqual(ids(rendered));
    for (const object of served.items) {
      if (object.kind !== 'Namespace') expect(object.metadata.namespace).toBe(namespace);
    }
  });

  it('changes nothing when applied again', async () => {
    const again = await kubectl('apply', '-k', dir);
    expect(again).not.toMatch(/ created$/m);
    // kubectl resends a PodDisruptionBudget's selector on every apply, so real clusters report it
    // `configured` too; everything else must be unchanged.
    for (const line of again.trim().split('\n')) {
      if (!line.startsWith('poddisruptionbudget')) expect(line).toMatch(/ unchanged$/);
    }
  });

  it('runs the Deployment with the image set through kustomize', async () => {
    const deployment = JSON.parse(
      await kubectl('get', 'deployment', 'metrics-api', '-n', namespace, '-o', 'json'),
    );
    expect(deployment.spec.template.spec.containers[0].image).toBe(image);
    // prod's HPA (minReplicas 2) scales the Deployment from the default 1 once: one more generation.
    expect(deployment.metadata.generation).toBe(overlay === 'prod' ? 2 : 1);
  });

  it(overlay === 'prod' ? 'has the HPA and PDB of prod' : 'has no HPA and no PDB', async () => {
    const kinds = JSON.parse(
      await kubectl('get', 'horizontalpodautoscalers,poddisruptionbudgets', '-n', namespace, '-o', 'json'),
    ) as { items: KubeObject[] };
    expect(ids(kinds.items)).toEqual(
      overlay === 'prod' ? ['HorizontalPodAutoscaler/metrics-api', 'PodDisruptionBudget/metrics-api'] : [],
    );
  });
});
