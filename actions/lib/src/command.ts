import * as core from '@actions/core';
import { abortedError, anySignal } from './abortable.js';
import { childEnv } from './child-env.js';
import { runProcess } from './process/run-process.js';

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

/** CommandRunner on node:child_process (process.ts), with no shell in between. */
export class ProcessCommandRunner implements CommandRunner {
  /** `debug` gets a line per command: the step's debug log by default; tooling outside a step passes a no-op. */
  constructor(private readonly debug: (line: string) => void = core.debug) {}

  async run(file: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
    this.debug(`run: ${file} ${args.join(' ')}`);
    const timeout = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
    const result = await runProcess([file, ...args], {
      env: childEnv(options.env, { inherit: options.inheritEnv !== false }),
      signal: anySignal(options.signal, timeout),
      ...(options.cwd !== undefined && { cwd: options.cwd }),
      ...(options.stdin !== undefined && { stdin: options.stdin }),
      ...(options.onStdout && { onStdout: options.onStdout }),
      ...(options.onStderr && { onStderr: options.onStderr }),
    });
    if (result.notFound) throw new CommandNotFoundError(file);
    if (result.aborted) {
      if (options.signal?.aborted) throw abortedError(options.signal, `'${file}'`);
      throw new CommandTimeoutError(file, options.timeoutMs as number);
    }
    const { exitCode, stdout, stderr } = result;
    if (exitCode !== 0 && !options.ignoreExitCode) {
      throw new CommandFailedError(file, args, { exitCode, stdout, stderr });
    }
    return { exitCode, stdout, stderr };
  }
}
