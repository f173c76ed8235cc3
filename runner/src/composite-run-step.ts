import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyMasks, parseKeyValueFile, parseWorkflowCommands } from './runner-files.js';

export interface ScriptStepResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  exportedEnv: Record<string, string>;
  addedPath: string[];
  summary: string;
  errors: string[];
  masks: string[];
  visibleLog: string;
}

// The command line GitHub's runner uses for `shell: bash`: no profile, stop on the first error.
const BASH_ARGS = ['--noprofile', '--norc', '-eo', 'pipefail'];

/** Runs a `run:` step's script with `shell: bash` from a file (never `-c` with the text), as the runner does. */
export async function runScriptStep(options: {
  script: string;
  shell: string;
  env: Record<string, string>;
  cwd: string;
  stepDir: string;
  timeoutMs: number;
}): Promise<ScriptStepResult> {
  if (options.shell !== 'bash') {
    throw new Error(`composite runner: shell '${options.shell}' is not supported; use 'bash'`);
  }
  mkdirSync(options.stepDir, { recursive: true });
  const files = {
    GITHUB_OUTPUT: join(options.stepDir, 'output'),
    GITHUB_ENV: join(options.stepDir, 'env'),
    GITHUB_PATH: join(options.stepDir, 'path'),
    GITHUB_STEP_SUMMARY: join(options.stepDir, 'summary.md'),
    GITHUB_STATE: join(options.stepDir, 'state'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const scriptPath = join(options.stepDir, 'script.sh');
  writeFileSync(scriptPath, options.script);
  const result = await new Promise<{ exitCode: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn('bash', [...BASH_ARGS, scriptPath], {
        env: { ...options.env, ...files },
        cwd: options.cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on('close', (exitCode) => {
        clearTimeout(timer);
        resolve({ exitCode, stdout, stderr });
      });
    },
  );
  const commands = parseWorkflowCommands(result.stdout);
  const masks = commands.filter((c) => c.command === 'add-mask').map((c) => c.message);
  return {
    ...result,
    outputs: parseKeyValueFile(readFileSync(files.GITHUB_OUTPUT, 'utf8'), 'GITHUB_OUTPUT'),
    exportedEnv: parseKeyValueFile(readFileSync(files.GITHUB_ENV, 'utf8'), 'GITHUB_ENV'),
    addedPath: readFileSync(files.GITHUB_PATH, 'utf8').split('\n').filter(Boolean),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    errors: commands.filter((c) => c.command === 'error').map((c) => c.message),
    masks,
    visibleLog: applyMasks(result.stdout + result.stderr, masks),
  };
}
