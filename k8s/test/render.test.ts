import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kustomizeBuild } from '../../actions/lib/src/kubectl/kustomize.js';
import { parseManifests } from '../src/manifests.js';
import { OVERLAYS, overlayDir } from '../src/paths.js';

const COMMON_KINDS = [
  'ConfigMap',
  'Deployment',
  'Ingress',
  'Namespace',
  'NetworkPolicy',
  'Service',
  'ServiceAccount',
];

describe.each(OVERLAYS)('overlay %s', (overlay) => {
  it('renders with kubectl kustomize and prints nothing on stderr (no deprecation warnings)', async () => {
    const { yaml, stderr } = await kustomizeBuild(overlayDir(overlay));
    expect(stderr).toBe('');
    const kinds = new Set(parseManifests(yaml).map((o) => o.kind));
    const expected =
      overlay === 'prod' ? [...COMMON_KINDS, 'HorizontalPodAutoscaler', 'PodDisruptionBudget'] : COMMON_KINDS;
    expect([...kinds].sort()).toEqual(expected.sort());
  });
});

it('kustomizeBuild names the directory and the cause when a render fails', async () => {
  await expect(kustomizeBuild('/nonexistent/k8s-ship-overlay')).rejects.toThrow(
    /kubectl kustomize \/nonexistent\/k8s-ship-overlay failed: .+/,
  );
});

it("kustomizeBuild hands back kustomize's deprecation warnings, so the check above can fail", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'k8s-ship-deprecated-'));
  try {
    await writeFile(join(dir, 'kustomization.yaml'), 'commonLabels:\n  a: b\nresources: [cm.yaml]\n');
    await writeFile(join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n');
    const { stderr } = await kustomizeBuild(dir);
    expect(stderr).toMatch(/'commonLabels' is deprecated/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
