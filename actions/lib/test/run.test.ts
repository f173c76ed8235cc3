import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigurationError } from '../src/errors.js';
import { runAction, runPostStep } from '../src/run.js';

let printed: string[];

beforeEach(() => {
  printed = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    printed.push(String(chunk));
    return true;
  });
  process.exitCode = undefined;
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  process.exitCode = undefined;
});

const errorLines = () => printed.filter((line) => line.startsWith('::error::'));

describe('runAction()', () => {
  it('shows a ConfigurationError message as is, once, and sets exit code 1', async () => {
    await runAction('build-push', async () => {
      throw ConfigurationError.invalidInput('push', 'yes', 'true or false');
    });
    expect(errorLines()).toEqual(["::error::Invalid input 'push': 'yes'. Expected true or false.\n"]);
    expect(process.exitCode).toBe(1);
  });

  it('wraps other errors with the action name and keeps the stack out of the log unless debugging', async () => {
    await runAction('build-push', async () => {
      throw new Error('registry said 500');
    });
    expect(errorLines()).toEqual(['::error::build-push failed: registry said 500\n']);
    expect(printed.join('')).not.toContain('run.test.ts');
  });

  it('puts the stack in the debug log when RUNNER_DEBUG is set', async () => {
    vi.stubEnv('RUNNER_DEBUG', '1');
    await runAction('build-push', async () => {
      throw new Error('boom');
    });
    expect(printed.some((line) => line.startsWith('::debug::Error: boom'))).toBe(true);
  });

  it('reports non-Error throws too', async () => {
    await runAction('x', async () => {
      throw 'plain string';
    });
    expect(errorLines()).toEqual(['::error::x failed: plain string\n']);
  });

  it('leaves the exit code alone when main succeeds', async () => {
    await runAction('x', async () => {});
    expect(errorLines()).toEqual([]);
    expect(process.exitCode).toBeUndefined();
  });
});

describe('runPostStep()', () => {
  it('turns a cleanup failure into a warning and does not fail the job', async () => {
    await runPostStep('build-push', async () => {
      throw new Error('logout failed');
    });
    expect(printed).toContain('::warning::build-push cleanup failed: logout failed\n');
    expect(errorLines()).toEqual([]);
    expect(process.exitCode).toBeUndefined();
  });
});
