import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ActionMetadata, readActionMetadata } from '../../actions/lib/src/metadata.js';
import { repoRoot } from '../../runner/src/paths.js';
import { inputDefaults } from './runner-env.js';

const action = (name: string, inputs: Record<string, string | undefined>): ActionMetadata => ({
  name,
  description: name,
  inputs: Object.fromEntries(
    Object.entries(inputs).map(([input, value]) => [
      input,
      value === undefined
        ? { description: input, required: true }
        : { description: input, required: false, default: value },
    ]),
  ),
  outputs: {},
  runs: { using: 'node24', main: 'dist/index.js' },
});

describe('inputDefaults', () => {
  it('gives every default as the runner spells it and leaves required inputs out', () => {
    expect(inputDefaults([action('a', { 'fail-on': 'HIGH', repository: undefined })])).toEqual({
      'INPUT_FAIL-ON': 'HIGH',
    });
  });

  it('accepts one input declared by two actions with the same default', () => {
    expect(inputDefaults([action('a', { port: '22' }), action('b', { port: '22' })])).toEqual({
      INPUT_PORT: '22',
    });
  });

  it('gives an expression default, such as the token, as empty', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, on purpose
    const token = '${{ github.token }}';
    expect(inputDefaults([action('a', { token })])).toEqual({ INPUT_TOKEN: '' });
  });

  it('refuses two different defaults for one input, naming both actions', () => {
    expect(() => inputDefaults([action('a', { timeout: '10m' }), action('b', { timeout: '5m' })])).toThrow(
      "Input 'timeout' defaults to '10m' in a but '5m' in b",
    );
  });

  it('finds no such conflict between the actions', () => {
    const actions = [
      'branch-to-namespace',
      'build-push',
      'trivy-scan',
      'ssh-set-image',
      'rollout-wait',
      'deployment-status',
    ].map((name) => readActionMetadata(join(repoRoot, 'actions', name, 'action.yml')));
    expect(inputDefaults(actions).INPUT_MAPPING).toBe('main=prod\nstage=stage\n');
  });
});
