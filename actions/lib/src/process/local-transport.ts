import * as core from '@actions/core';
import { childEnv } from '../child-env.js';
import { runProcess } from './run-process.js';
import type { ArgvTransport, ExecOptions, ExecResult } from './transport.js';

/**
 * Runs argv on this machine with no shell, stoppable by an AbortSignal: on abort the result (`aborted:
 * true`) comes at once and the program gets SIGTERM (SIGKILL 5 s later if it is still there). A missing
 * program is exit code 127, as over SSH.
 */
export class LocalTransport implements ArgvTransport {
  readonly target = 'this machine';

  /** `env` replaces the environment; by default this process's, without the INPUT_* variables. */
  constructor(private readonly env: NodeJS.ProcessEnv = childEnv()) {}

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    core.debug(`run: ${argv.join(' ')}`);
    const { exitCode, stdout, stderr, aborted } = await runProcess(argv, {
      env: this.env,
      ...(options.stdin !== undefined && { stdin: options.stdin }),
      ...(options.signal && { signal: options.signal }),
      ...(options.onStdout && { onStdout: options.onStdout }),
      ...(options.onStderr && { onStderr: options.onStderr }),
    });
    return { exitCode, stdout, stderr, aborted };
  }
}
