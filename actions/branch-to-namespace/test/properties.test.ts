import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DOCKER_TAG } from '../../lib/src/docker/image-ref.js';
import { DNS1123_LABEL, DNS1123_LABEL_MAX_LENGTH } from '../../lib/src/kubectl/names.js';
import { parseMapping } from '../src/mapping.js';
import type { DeployRef } from '../src/ref.js';
import { resolveTarget } from '../src/target.js';
import { branchName } from './arbitraries.js';

const RUNS = 10_000;
const sha = '9f2c1e8b7a6d5c4b3a29180f7e6d5c4b3a291807';

const config = (preview: boolean, prefix: string) => ({
  mapping: parseMapping('mapping', ''),
  'default-environment': 'dev',
  environment: undefined,
  preview,
  'production-environment': 'prod',
  'production-branches': ['main'],
  'namespace-prefix': prefix,
  'overlay-root': 'k8s/overlays',
});

const refOf = (kind: 'branch' | 'tag', name: string): DeployRef => ({
  kind,
  name,
  full: `refs/${kind === 'branch' ? 'heads' : 'tags'}/${name}`,
});

function expectValid(target: ReturnType<typeof resolveTarget>, environments: readonly string[]): void {
  expect(target.namespace).toMatch(DNS1123_LABEL);
  expect(target.namespace.length).toBeLessThanOrEqual(DNS1123_LABEL_MAX_LENGTH);
  expect(target.slug).toMatch(DNS1123_LABEL);
  expect(target.slug.length).toBeLessThanOrEqual(DNS1123_LABEL_MAX_LENGTH);
  expect(target.imageTag).toMatch(DOCKER_TAG);
  expect(environments).toContain(target.environment);
  expect(target.overlay).toBe(`k8s/overlays/${target.environment}`);
}

describe('branch-to-namespace properties', () => {
  it(`gives valid, deterministic outputs for ${RUNS} generated branch and tag names`, () => {
    fc.assert(
      fc.property(
        branchName,
        fc.constantFrom<'branch' | 'tag'>('branch', 'tag'),
        fc.boolean(),
        fc.constantFrom('', 'shop-', 'a-very-long-prefix-of-thirty-c'),
        (name, kind, preview, prefix) => {
          const ref = refOf(kind, name);
          const target = resolveTarget(ref, config(preview, prefix), sha);
          expectValid(target, ['prod', 'stage', 'dev', 'preview']);
          expect(resolveTarget(ref, config(preview, prefix), sha)).toEqual(target);
          expect(target.isProduction).toBe(kind === 'branch' && name === 'main');
        },
      ),
      { numRuns: RUNS },
    );
  }, 120_000);

  it('gives two different long branches different preview namespaces and image tags', () => {
    fc.assert(
      fc.property(
        // The shared part is made of characters a label keeps, so both names are still too long after
        // slugging and get cut: the case the hash suffix is for. (Names that only differ in characters a
        // label cannot hold, or in case, share a slug by design; see the README.)
        fc.string({
          unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
          minLength: 70,
          maxLength: 200,
        }),
        fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 40 }),
        fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 40 }),
        (common, a, b) => {
          fc.pre(a !== b);
          const first = resolveTarget(refOf('branch', `feature/${common}${a}`), config(true, ''), sha);
          const second = resolveTarget(refOf('branch', `feature/${common}${b}`), config(true, ''), sha);
          expect(first.namespace).not.toBe(second.namespace);
          expect(first.imageTag).not.toBe(second.imageTag);
        },
      ),
      { numRuns: 2000 },
    );
  }, 60_000);
});
