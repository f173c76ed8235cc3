import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GENERATED_FILES } from '../src/golden-targets.js';
import { k8sRoot, monitoringDir } from '../src/paths.js';

// Golden renders: a change to base, an overlay or kustomize itself shows up as a reviewable diff.
describe.each(GENERATED_FILES.map((f) => f.path))('k8s/%s', (path) => {
  it('matches what `npm run k8s:golden` produces (run it and review the diff when this fails)', async () => {
    const file = GENERATED_FILES.find((f) => f.path === path)!;
    const committed = await readFile(join(k8sRoot, path), 'utf8').catch(() => '(missing)');
    expect(committed, `k8s/${path} is stale: run npm run k8s:golden`).toBe(await file.produce());
  });
});

it('the PrometheusRule carries exactly the groups of the plain rule file', async () => {
  const rule = parse(await readFile(join(monitoringDir, 'prometheusrule.yaml'), 'utf8')) as {
    spec: { groups: unknown };
  };
  const plain = parse(await readFile(join(monitoringDir, 'rules', 'metrics-api.rules.yaml'), 'utf8')) as {
    groups: unknown;
  };
  expect(rule.spec.groups).toEqual(plain.groups);
});
