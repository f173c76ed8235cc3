import { describe, expect, it } from 'vitest';
import type { Inputs } from '../src/inputs.js';
import { parseMapping } from '../src/mapping.js';
import type { DeployRef } from '../src/ref.js';
import { knownEnvironments, resolveTarget } from '../src/target.js';

const sha = '9f2c1e8b7a6d5c4b3a29180f7e6d5c4b3a291807';
const branch = (name: string): DeployRef => ({ kind: 'branch', name, full: `refs/heads/${name}` });
const tag = (name: string): DeployRef => ({ kind: 'tag', name, full: `refs/tags/${name}` });

function inputs(
  overrides: Partial<Omit<Inputs, 'mapping'>> & { mapping?: string } = {},
): Omit<Inputs, 'ref'> {
  const { mapping, ...rest } = overrides;
  return {
    mapping: parseMapping('mapping', mapping ?? ''),
    'default-environment': 'dev',
    environment: undefined,
    preview: false,
    'production-environment': 'prod',
    'production-branches': ['main'],
    'namespace-prefix': '',
    'overlay-root': 'k8s/overlays',
    ...rest,
  };
}

describe('resolveTarget()', () => {
  it.each([
    ['main', 'prod', 'prod', true],
    ['stage', 'stage', 'stage', false],
    ['feature/login', 'dev', 'dev', false],
    ['main-old', 'dev', 'dev', false],
  ])('default mapping: %s → %s', (name, environment, namespace, isProduction) => {
    expect(resolveTarget(branch(name), inputs(), sha)).toMatchObject({
      environment,
      namespace,
      overlay: `k8s/overlays/${environment}`,
      isProduction,
    });
  });

  it('gives branches their slug and a <slug>-<short sha> image tag', () => {
    expect(resolveTarget(branch('Feature/Login'), inputs(), sha)).toMatchObject({
      slug: 'feature-login',
      imageTag: 'feature-login-9f2c1e8',
    });
  });

  it('gives an unmapped branch its own namespace and the preview overlay in preview mode', () => {
    expect(
      resolveTarget(branch('feature/login'), inputs({ preview: true, 'namespace-prefix': 'shop-' }), sha),
    ).toMatchObject({
      environment: 'preview',
      namespace: 'shop-preview-feature-login',
      overlay: 'k8s/overlays/preview',
      isProduction: false,
    });
  });

  it('keeps mapped branches in their environment in preview mode, with the prefix', () => {
    expect(
      resolveTarget(branch('stage'), inputs({ preview: true, 'namespace-prefix': 'shop-' }), sha).namespace,
    ).toBe('shop-stage');
  });

  it('uses the tag name as the image tag and maps tags only through refs/ patterns', () => {
    const config = inputs({
      mapping: 'main=prod\nrefs/tags/v*=prod',
      'production-branches': ['main', 'refs/tags/v*'],
    });
    expect(resolveTarget(tag('v1.4.2'), config, sha)).toMatchObject({
      environment: 'prod',
      imageTag: 'v1.4.2',
      isProduction: true,
    });
    expect(resolveTarget(tag('v1.4.2'), inputs(), sha).environment).toBe('dev');
  });

  it('refuses production to a branch outside the allowlist, even when the mapping sends it there', () => {
    expect(() => resolveTarget(branch('hotfix/x'), inputs({ mapping: 'hotfix/*=prod' }), sha)).toThrow(
      "The branch 'hotfix/x' may not deploy to 'prod': only main may (input 'production-branches').",
    );
  });

  it('honours a manual environment choice and validates it against the known environments', () => {
    expect(resolveTarget(branch('feature/x'), inputs({ environment: 'stage' }), sha).environment).toBe(
      'stage',
    );
    expect(() => resolveTarget(branch('feature/x'), inputs({ environment: 'qa' }), sha)).toThrow(
      "Invalid input 'environment': 'qa'. Expected one of prod, stage, dev.",
    );
    expect(() => resolveTarget(branch('feature/x'), inputs({ environment: 'prod' }), sha)).toThrow(
      "may not deploy to 'prod'",
    );
  });

  it('knownEnvironments() includes preview only in preview mode', () => {
    expect(knownEnvironments(inputs())).toEqual(['prod', 'stage', 'dev']);
    expect(knownEnvironments(inputs({ preview: true }))).toEqual(['prod', 'stage', 'dev', 'preview']);
  });

  it('leaves the sha out of the image tag when GITHUB_SHA is not a commit id', () => {
    expect(resolveTarget(branch('dev'), inputs(), '').imageTag).toBe('dev');
  });
});
