import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { childEnv, isActionInputVariable, withoutActionInputs } from '../src/child-env.js';

describe('childEnv', () => {
  const parent = { PATH: '/usr/bin', HOME: '/home/runner', INPUT_PASSWORD: 'pw', 'INPUT_PRIVATE-KEY': 'k' };

  it('inherits everything but the INPUT_* variables, then adds what the caller passes', () => {
    expect(childEnv({ DOCKER_CONFIG: '/job' }, { from: parent })).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/runner',
      DOCKER_CONFIG: '/job',
    });
  });

  it('hands over only what the caller passes when it does not inherit', () => {
    expect(childEnv({ ONLY: '1' }, { inherit: false, from: parent })).toEqual({ ONLY: '1' });
  });

  it('knows the runner’s input variables, whatever the case', () => {
    expect(isActionInputVariable('INPUT_PASSWORD')).toBe(true);
    expect(isActionInputVariable('input_password')).toBe(true);
    expect(isActionInputVariable('MY_INPUT_X')).toBe(false);
    expect(withoutActionInputs(parent)).toEqual({ PATH: '/usr/bin', HOME: '/home/runner' });
  });
});

// Every child process of the actions goes through ProcessCommandRunner or LocalTransport, which both use
// childEnv: a new way of starting one (child_process, @actions/exec, tc.extractTar) must not slip in.
describe('the actions start children only through run-process.ts, with child-env.ts', () => {
  const actionsDir = join(import.meta.dirname, '../..');
  const allowed = new Set(['lib/src/process/run-process.ts']);

  const SPAWNS = [
    /^import (?!type )[^;]*from ['"](node:)?child_process['"]/m,
    /require\(['"](node:)?child_process['"]\)/,
    /from ['"]@actions\/exec['"]/,
    // tool-cache unpacks through @actions/exec, with the whole environment.
    /\.extract(Tar|Zip|7z|Xar)\(/,
  ];

  function sources(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        return ['node_modules', 'dist', 'test', 'bench'].includes(entry.name) ? [] : sources(path);
      }
      return entry.name.endsWith('.ts') ? [path] : [];
    });
  }

  it('has no other file that spawns a process', () => {
    const offenders = sources(actionsDir)
      .map((path) => relative(actionsDir, path))
      .filter((path) => !allowed.has(path))
      .filter((path) => SPAWNS.some((pattern) => pattern.test(readFileSync(join(actionsDir, path), 'utf8'))));
    expect(offenders).toEqual([]);
  });
});
