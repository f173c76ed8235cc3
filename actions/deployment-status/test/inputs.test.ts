import { afterEach, describe, expect, it, vi } from 'vitest';
import { getInputs } from '../src/inputs.js';

afterEach(() => vi.unstubAllEnvs());

const stubInputs = (inputs: Record<string, string>) => {
  for (const [name, value] of Object.entries(inputs)) vi.stubEnv(`INPUT_${name.toUpperCase()}`, value);
};

describe('getInputs()', () => {
  it('reads the start phase with its defaults', () => {
    stubInputs({ phase: 'start', token: 'ghs_token', environment: 'prod' });
    expect(getInputs()).toEqual({
      token: 'ghs_token',
      phase: 'start',
      environment: 'prod',
      namespace: undefined,
      'preview-environment': 'preview',
      production: false,
      'environment-url': '',
      ref: undefined,
      description: undefined,
    });
  });

  it('reads the finish phase; an empty result means the pipeline stopped before the rollout ended', () => {
    stubInputs({ phase: 'finish', token: 'ghs_token', 'deployment-id': '42' });
    expect(getInputs()).toEqual({
      token: 'ghs_token',
      phase: 'finish',
      'deployment-id': 42,
      result: 'stopped',
      'environment-url': '',
      description: undefined,
    });
  });

  it('treats an empty token as none, and an empty deployment-id as nothing to finish', () => {
    stubInputs({ phase: 'finish', token: '  ' });
    expect(getInputs()).toMatchObject({ token: undefined, 'deployment-id': undefined });
  });

  it('masks the token before anything else', () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      stubInputs({ phase: 'start', token: 'ghs_secretToken123', environment: 'bad\nname' });
      expect(() => getInputs()).toThrow();
      expect(write.mock.calls[0]?.[0]).toContain('::add-mask::ghs_secretToken123');
    } finally {
      write.mockRestore();
    }
  });

  it.each([
    [{ phase: 'deploy' }, "Invalid input 'phase': 'deploy'. Expected one of start, finish."],
    [{ phase: '' }, "Input 'phase' is required but was empty."],
    [{ phase: 'start' }, "Input 'environment' is required but was empty."],
    [
      { phase: 'start', environment: 'prod', namespace: 'Not_A_Label' },
      "Invalid input 'namespace': 'Not_A_Label'. Expected a Kubernetes namespace (a DNS-1123 label).",
    ],
    [
      { phase: 'start', environment: 'prod', ref: 'main..x' },
      "Invalid input 'ref': 'main..x'. Expected a commit SHA, branch or tag name.",
    ],
    [
      { phase: 'start', environment: 'pr\u0007od' },
      'Expected a GitHub environment name of 1 to 255 characters without control characters.',
    ],
    [{ phase: 'start', environment: 'prod', production: 'yes' }, "Invalid input 'production': 'yes'."],
    [
      { phase: 'finish', 'deployment-id': '0' },
      "Invalid input 'deployment-id': '0'. Expected an integer from 1 to",
    ],
    [
      { phase: 'finish', 'deployment-id': '7', result: 'ok' },
      "Invalid input 'result': 'ok'. Expected one of succeeded, failed, rolled-back, superseded.",
    ],
    [
      { phase: 'finish', 'deployment-id': '7', 'environment-url': 'https://{namespace}.example.com' },
      'namespace is empty here',
    ],
  ])('refuses %j', (inputs, message) => {
    stubInputs(inputs);
    expect(() => getInputs()).toThrow(message);
  });
});
