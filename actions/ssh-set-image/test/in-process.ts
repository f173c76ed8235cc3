import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseKeyValueFile } from '../../../runner/src/runner-files.js';

export interface InProcessRun {
  exitCode: number | undefined;
  /** What the action wrote to stdout: the runner's workflow commands (`::error::…`) and log lines. */
  stdout: string;
  /** The messages of `::error::` commands, unescaped. */
  errors: string[];
  outputs: Record<string, string>;
  state: Record<string, string>;
}

/**
 * Runs `fn` (the action's run()) in this process with INPUT_* and the runner's file variables set, then
 * restores the environment. For tests that need a fake inside the process; bundle tests use the runner emulator (runner/).
 */
export async function runInProcess(
  inputs: Record<string, string>,
  fn: () => Promise<void>,
  env: Record<string, string> = {},
): Promise<InProcessRun> {
  const dir = mkdtempSync(join(tmpdir(), 'ssh-set-image-step-'));
  const files = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const inputVariables = Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, value]),
  );
  const saved = { ...process.env };
  const savedExitCode = process.exitCode;
  Object.assign(process.env, files, { GITHUB_WORKSPACE: dir }, env, inputVariables);
  process.exitCode = undefined;
  let stdout = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stdout.write;
  try {
    await fn();
    process.stdout.write = write;
    const errors = stdout
      .split('\n')
      .filter((line) => line.startsWith('::error::'))
      .map((line) =>
        line.slice('::error::'.length).replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%'),
      );
    return {
      exitCode: process.exitCode as number | undefined,
      stdout,
      errors,
      outputs: parseKeyValueFile(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
      state: parseKeyValueFile(readFileSync(files.GITHUB_STATE, 'utf8')),
    };
  } finally {
    process.stdout.write = write;
    process.env = saved;
    process.exitCode = savedExitCode;
    rmSync(dir, { recursive: true, force: true });
  }
}
