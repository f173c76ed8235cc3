import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { k8sRoot } from '../src/paths.js';
import { IMAGE_PLACEHOLDER } from '../src/render-overlay.js';

// What the committed kustomize sources may say, read as written (not rendered).
const SOURCE_DIRS = ['base', 'components', 'overlays', 'monitoring'];

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'tests' ? [] : yamlFiles(path);
    return /\.ya?ml$/.test(entry) ? [path] : [];
  });
}

const files = SOURCE_DIRS.flatMap((dir) => yamlFiles(join(k8sRoot, dir)));
const kustomizations = files.filter((f) => /kustomization\.yaml$/.test(f));

/** Every value of `key` anywhere in the document. */
function valuesOf(node: unknown, key: string): unknown[] {
  if (Array.isArray(node)) return node.flatMap((n) => valuesOf(n, key));
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([k, v]) => [...(k === key ? [v] : []), ...valuesOf(v, key)]);
}

const documents = (file: string) =>
  parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as unknown);

it('finds the sources it checks', () => {
  expect(kustomizations.length).toBeGreaterThanOrEqual(8);
});

it('names images in manifests only by the placeholder, without a tag (kustomize `images:` sets them)', () => {
  const images = files.flatMap((f) =>
    documents(f).flatMap((d) => valuesOf(d, 'image').map((image) => ({ file: relative(k8sRoot, f), image }))),
  );
  expect(images.length).toBeGreaterThan(0);
  expect(images.filter((i) => i.image !== IMAGE_PLACEHOLDER)).toEqual([]);
});

describe.each(kustomizations.map((f) => relative(k8sRoot, f)))('%s', (file) => {
  const [kustomization] = documents(join(k8sRoot, file)) as Record<string, unknown>[];

  it('uses no field that kustomize v5 deprecates', () => {
    const deprecated = [
      'commonLabels',
      'patchesStrategicMerge',
      'patchesJson6902',
      'bases',
      'vars',
      'imageTags',
    ];
    expect(Object.keys(kustomization ?? {}).filter((k) => deprecated.includes(k))).toEqual([]);
  });

  it('pins any image it sets, never to latest', () => {
    for (const entry of (kustomization?.images ?? []) as Record<string, string>[]) {
      expect(entry.name).toBe(IMAGE_PLACEHOLDER);
      expect(entry.newTag ?? entry.digest).toMatch(/^(?!latest$)\S+$/);
    }
  });
});
