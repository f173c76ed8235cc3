import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from './actions.js';
import {
  BEGIN_CONNECTION_INPUTS,
  CONNECTION_INPUT_ACTIONS,
  END_CONNECTION_INPUTS,
  readConnectionInputs,
  withConnectionInputs,
} from './connection-inputs.js';

const source = readConnectionInputs(repoRoot);
const sourceInputs = parse(source) as Record<string, unknown>;

describe('the SSH connection inputs, written once', () => {
  it.each(CONNECTION_INPUT_ACTIONS)('actions/%s/action.yml holds them as the source says', (action) => {
    const path = `actions/${action}/action.yml`;
    const text = readFileSync(join(repoRoot, path), 'utf8');
    expect(text, `${path} differs from its source: run 'npm run docs:actions'`).toBe(
      withConnectionInputs(text, source, path),
    );
    const inputs = (parse(text) as { inputs: Record<string, unknown> }).inputs;
    for (const [name, definition] of Object.entries(sourceInputs))
      expect(inputs[name], name).toEqual(definition);
  });

  it('the check can fail: a changed source changes the block, and a missing block is an error', () => {
    const path = 'actions/ssh-set-image/action.yml';
    const text = readFileSync(join(repoRoot, path), 'utf8');
    const changed = source.replace('SSH port of the node.', 'SSH port of the node (changed).');
    expect(changed).not.toBe(source);
    expect(withConnectionInputs(text, changed, path)).toContain('SSH port of the node (changed).');
    expect(withConnectionInputs(text, changed, path)).not.toBe(text);
    const withoutBlock = text.replace(BEGIN_CONNECTION_INPUTS, '').replace(END_CONNECTION_INPUTS, '');
    expect(() => withConnectionInputs(withoutBlock, source, path)).toThrow(
      `${path} has no generated connection-inputs block`,
    );
  });

  it('the source holds the inputs both actions read the same way', () => {
    expect(Object.keys(sourceInputs)).toEqual(
      expect.arrayContaining([
        'port',
        'host-key',
        'insecure-trust-on-first-use',
        'jump-host',
        'connect-timeout',
      ]),
    );
  });
});
