import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { kustomizeBuild } from '../../actions/lib/src/kubectl/kustomize.js';
import { formatWithBiome } from './biome-format.js';
import { buildDashboard } from './dashboard.js';
import { monitoringDir, OVERLAYS, overlayDir } from './paths.js';
import { prometheusRuleYaml } from './prometheus-rule.js';
import { quietRunner, renderOverlay } from './render-overlay.js';

/** A generated file that is committed, and how to produce it again. */
export interface GeneratedFile {
  /** Path relative to k8s/. */
  path: string;
  produce: () => Promise<string>;
}

/** What the pipeline renders for a branch's preview: the example the README walks through. */
export const PREVIEW_EXAMPLE = {
  overlay: 'preview',
  namespace: 'preview-feature-login-3f2a1b',
  ingressHost: 'preview-feature-login-3f2a1b.preview.metrics-api.example.com',
  image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/k8s-ship/service@sha256:${'ab'.repeat(32)}`,
  pullSecret: false,
  monitoring: true,
} as const;

const RAW_FILES: GeneratedFile[] = [
  // Sources first: the overlays' renders with monitoring include the generated PrometheusRule.
  {
    path: 'monitoring/prometheusrule.yaml',
    produce: async () =>
      prometheusRuleYaml(await readFile(join(monitoringDir, 'rules', 'metrics-api.rules.yaml'), 'utf8')),
  },
  {
    path: 'monitoring/dashboards/metrics-api.json',
    produce: async () => `${JSON.stringify(buildDashboard(), null, 2)}\n`,
  },
  ...OVERLAYS.map((overlay) => ({
    path: `test/golden/${overlay}.yaml`,
    produce: async () => (await kustomizeBuild(overlayDir(overlay), { runner: quietRunner })).yaml,
  })),
  { path: 'test/golden/preview-pipeline-example.yaml', produce: () => renderOverlay(PREVIEW_EXAMPLE) },
];

/** Every generated file, YAML in Biome's layout (Biome formats YAML, and `biome ci` runs on the tree). */
export const GENERATED_FILES: GeneratedFile[] = RAW_FILES.map((file) => ({
  path: file.path,
  produce: async () => {
    const text = await file.produce();
    return file.path.endsWith('.yaml') ? formatWithBiome(text, join('k8s', file.path)) : text;
  },
}));
