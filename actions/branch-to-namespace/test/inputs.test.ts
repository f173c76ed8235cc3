import { afterEach, describe, expect, it, vi } from 'vitest';
import { getInputs } from '../src/inputs.js';

afterEach(() => vi.unstubAllEnvs());

describe('getInputs()', () => {
  it('applies the documented defaults when nothing is set', () => {
    expect(getInputs()).toEqual({
      mapping: [
        { pattern: 'main', environment: 'prod' },
        { pattern: 'stage', environment: 'stage' },
      ],
      'default-environment': 'dev',
      environment: undefined,
      preview: false,
      'production-environment': 'prod',
      'production-branches': ['main'],
      'namespace-prefix': '',
      'overlay-root': 'k8s/overlays',
      ref: undefined,
    });
  });

  it('reads every input', () => {
    vi.stubEnv('INPUT_MAPPING', 'trunk=live');
    vi.stubEnv('INPUT_DEFAULT-ENVIRONMENT', 'sandbox');
    vi.stubEnv('INPUT_ENVIRONMENT', 'live');
    vi.stubEnv('INPUT_PREVIEW', 'true');
    vi.stubEnv('INPUT_PRODUCTION-ENVIRONMENT', 'live');
    vi.stubEnv('INPUT_PRODUCTION-BRANCHES', 'trunk, refs/tags/v*');
    vi.stubEnv('INPUT_NAMESPACE-PREFIX', 'shop-');
    vi.stubEnv('INPUT_OVERLAY-ROOT', 'deploy/overlays/');
    vi.stubEnv('INPUT_REF', 'refs/heads/trunk');
    expect(getInputs()).toMatchObject({
      mapping: [{ pattern: 'trunk', environment: 'live' }],
      'default-environment': 'sandbox',
      environment: 'live',
      preview: true,
      'production-environment': 'live',
      'production-branches': ['trunk', 'refs/tags/v*'],
      'namespace-prefix': 'shop-',
      'overlay-root': 'deploy/overlays',
      ref: 'refs/heads/trunk',
    });
  });

  it.each([
    ['INPUT_NAMESPACE-PREFIX', 'Shop_', "Invalid input 'namespace-prefix': 'Shop_'. Expected up to 30"],
    [
      'INPUT_OVERLAY-ROOT',
      '../../etc',
      "Invalid input 'overlay-root': '../../etc'. Expected a relative path",
    ],
    ['INPUT_OVERLAY-ROOT', '/abs', "Invalid input 'overlay-root': '/abs'. Expected a relative path"],
    [
      'INPUT_DEFAULT-ENVIRONMENT',
      'Dev Env',
      "Invalid input 'default-environment': 'Dev Env'. Expected an environment name",
    ],
    ['INPUT_PREVIEW', 'yes', "Invalid input 'preview': 'yes'. Expected true or false."],
  ])('%s=%j is refused with a message naming it', (variable, value, message) => {
    vi.stubEnv(variable, value);
    expect(() => getInputs()).toThrow(message);
  });
});
