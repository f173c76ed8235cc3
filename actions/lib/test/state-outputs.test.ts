import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { maskSecret } from '../src/mask.js';
import { setOutputs } from '../src/outputs.js';
import { createStateStore, mainStepRan, markMainStepRan } from '../src/state.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lib-state-'));
  for (const name of ['STATE', 'OUTPUT']) {
    writeFileSync(join(dir, name), '');
    vi.stubEnv(`GITHUB_${name}`, join(dir, name));
  }
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe('createStateStore()', () => {
  it('writes JSON-encoded values to GITHUB_STATE in the heredoc format', () => {
    const state = createStateStore<{ registry: string; loggedIn: boolean }>();
    state.save('registry', '127.0.0.1:5000');
    state.save('loggedIn', true);
    const file = readFileSync(join(dir, 'STATE'), 'utf8');
    expect(file).toMatch(/^registry<<ghadelimiter_[\w-]+\n"127\.0\.0\.1:5000"\nghadelimiter_/m);
    expect(file).toMatch(/^loggedIn<<ghadelimiter_[\w-]+\ntrue\n/m);
  });

  it('reads values back with their types from STATE_<name> in the post step', () => {
    vi.stubEnv('STATE_tags', '["a","b"]');
    vi.stubEnv('STATE_count', '3');
    const state = createStateStore<{ tags: string[]; count: number; missing: string }>();
    expect(state.get('tags')).toEqual(['a', 'b']);
    expect(state.get('count')).toBe(3);
    expect(state.get('missing')).toBeUndefined();
  });

  it('refuses to save a value that contains a masked secret', () => {
    maskSecret('s3cr3t-token-value');
    const state = createStateStore<{ auth: { user: string; token: string } }>();
    expect(() => state.save('auth', { user: 'ci', token: 's3cr3t-token-value' })).toThrow(
      "Refusing to save state 'auth': it contains a masked secret",
    );
    expect(readFileSync(join(dir, 'STATE'), 'utf8')).toBe('');
  });

  it('names the state when its stored text is not JSON', () => {
    vi.stubEnv('STATE_broken', 'not json');
    expect(() => createStateStore<{ broken: string }>().get('broken')).toThrow(
      "State 'broken' is not the JSON",
    );
  });

  it('markMainStepRan() is seen by mainStepRan() in the post step', () => {
    expect(mainStepRan()).toBe(false);
    markMainStepRan();
    expect(readFileSync(join(dir, 'STATE'), 'utf8')).toContain('lib-main-ran<<');
    vi.stubEnv('STATE_lib-main-ran', 'true');
    expect(mainStepRan()).toBe(true);
  });
});

describe('setOutputs()', () => {
  it('writes strings, numbers, booleans and lists (one item a line)', () => {
    setOutputs({ image: 'repo', total: 3, passed: false, tags: ['a', 'b'] });
    const file = readFileSync(join(dir, 'OUTPUT'), 'utf8');
    expect(file).toMatch(/image<<(\S+)\nrepo\n\1\n/);
    expect(file).toMatch(/total<<(\S+)\n3\n\1\n/);
    expect(file).toMatch(/passed<<(\S+)\nfalse\n\1\n/);
    expect(file).toMatch(/tags<<(\S+)\na\nb\n\1\n/);
  });
});
