import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { parseKeyValueFile } from '../../../runner/src/runner-files.js';

export interface InProcessStep {
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
}

/**
 * Runs an action's run() in this process with the runner's variables set, for tests that hand run() its
 * dependencies (a recording command runner, a fixed clock); the bundle tests use the runner emulator (runner/) instead.
 */
export async function runInProcess(
  env: Record<string, string>,
  fn: () => Promise<void>,
): Promise<InProcessStep> {
  const dir = mkdtempSync(join(tmpdir(), 'in-process-step-'));
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const all = { ...files, RUNNER_TEMP: dir, ...env };
  const saved = Object.fromEntries(Object.keys(all).map((k) => [k, process.env[k]]));
  Object.assign(process.env, all);
  // @actions/core remembers the first summary file it wrote; each runner step has its own.
  (core.summary as unknown as { _filePath?: string })._filePath = undefined;
  core.summary.emptyBuffer();
  try {
    await fn();
    return {
      outputs: parseKeyValueFile(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
      state: parseKeyValueFile(readFileSync(files.GITHUB_STATE, 'utf8')),
      summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    };
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/** INPUT_<NAME> variables as the runner sets them. */
export function inputEnv(inputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [`INPUT_${k.replace(/ /g, '_').toUpperCase()}`, v]),
  );
}
