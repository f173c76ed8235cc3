import { spawn } from 'node:child_process';
import * as core from '@actions/core';
import { abortedError } from './abortable.js';
import { childEnv } from './child-env.js';
import { collectOutput, exitCodeOf } from './child-output.js';

export interface CommandOptions {
  /** Written to the program's stdin, then closed: the one way to hand it a secret. */
  stdin?: string | Buffer;
  /**
   * Added to this process's environment, whose INPUT_* variables no child inherits (see child-env.ts); or
   * the whole environment, with inheritEnv: false.
   */
  env?: NodeJS.ProcessEnv;
  inheritEnv?: boolean;
  cwd?: string;
  /** Kill the program (SIGTERM, then SIGKILL after 5 s) when it runs longer. */
  timeoutMs?: number;
  /**
   * A deadline or cancellation: when it fires, the call rejects at once with AbortedError and the program
   * gets SIGTERM (SIGKILL after 5 s).
   */
  signal?: AbortSignal;
  /** Resolve with the result instead of throwing when the exit code is not 0. */
  ignoreExitCode?: boolean;
  /** Live output, e.g. to stream a build log. */
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The one way actions run external programs: an argv array, never a shell string. */
export interface CommandRunner {
  run(file: string, args: readonly string[], options?: CommandOptions): Promise<CommandResult>;
}

/** Last lines of stderr, enough to explain a failure without flooding the log. */
function tail(text: string, lines = 10): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export class CommandFailedError extends Error {
  constructor(
    readonly file: string,
    readonly args: readonly string[],
    readonly result: CommandResult,
  ) {
    const what = [file, args[0]].filter(Boolean).join(' ');
    const stderr = tail(result.stderr);
    super(`'${what}' exited with code ${result.exitCode}${stderr ? `: ${stderr}` : ''}`);
    this.name = 'CommandFailedError';
  }
}

export class CommandNotFoundError extends Error {
  constructor(readonly file: string) {
    super(`'${file}' was not found: install it or put it on PATH`);
    this.name = 'CommandNotFoundError';
  }
}

export class CommandTimeoutError extends Error {
  constructor(
    readonly file: string,
    readonly timeoutMs: number,
  ) {
    super(`'${file}' did not finish within ${timeoutMs} ms and was stopped`);
    this.name = 'CommandTimeoutError';
  }
}

const KILL_GRACE_MS = 5000;

/** CommandRunner on node:child_process, with no shell in between. */
export class ProcessCommandRunner implements CommandRunner {
  /** `debug` gets a line per command: the step's debug log by default; tooling outside a step passes a no-op. */
  constructor(private readonly debug: (line: string) => void = core.debug) {}

  run(file: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
    this.debug(`run: ${file} ${args.join(' ')}`);
    const env = childEnv(options.env, { inherit: options.inheritEnv !== false });
    const { signal: abortSignal } = options;
    return new Promise((resolve, reject) => {
      if (abortSignal?.aborted) {
        reject(abortedError(abortSignal, `'${file}'`));
        return;
      }
      const child = spawn(file, args, { cwd: options.cwd, env, shell: false, stdio: 'pipe' });
      let timedOut = false;
      let killTimer: NodeJS.Timeout | undefined;
      const stop = () => {
        child.kill('SIGTERM');
        killTimer ??= setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      };
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              timedOut = true;
              stop();
            }, options.timeoutMs);
      const onAbort = () => {
        stop();
        reject(abortedError(abortSignal as AbortSignal, `'${file}'`));
      };
      abortSignal?.addEventListener('abort', onAbort, { once: true });
      const output = collectOutput(child, options);
      child.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        clearTimeout(killTimer);
        abortSignal?.removeEventListener('abort', onAbort);
        reject(error.code === 'ENOENT' ? new CommandNotFoundError(file) : error);
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        clearTimeout(killTimer);
        abortSignal?.removeEventListener('abort', onAbort);
        if (timedOut) {
          reject(new CommandTimeoutError(file, options.timeoutMs as number));
          return;
        }
        const exitCode = exitCodeOf(code, signal);
        const result = { exitCode, stdout: output.stdout, stderr: output.stderr };
        if (exitCode !== 0 && !options.ignoreExitCode) reject(new CommandFailedError(file, args, result));
        else resolve(result);
      });
    });
  }
}
