import { spawn } from 'node:child_process';
import * as core from '@actions/core';
import { childEnv } from '../child-env.js';
import { collectOutput, exitCodeOf } from '../child-output.js';
import type { RemoteExecOptions, RemoteExecResult } from '../ssh/remote-shell.js';
import { type ArgvTransport, EXIT_COMMAND_NOT_FOUND } from './transport.js';

const KILL_GRACE_MS = 5000;

/**
 * Runs argv on this machine with no shell, stoppable by an AbortSignal: on abort the result (`aborted:
 * true`) comes at once and the program gets SIGTERM (SIGKILL 5 s later if it is still there).
 */
export class LocalTransport implements ArgvTransport {
  readonly target = 'this machine';

  /** `env` replaces the environment; by default this process's, without the INPUT_* variables. */
  constructor(private readonly env: NodeJS.ProcessEnv = childEnv()) {}

  exec(argv: readonly string[], options: RemoteExecOptions = {}): Promise<RemoteExecResult> {
    const [file, ...args] = argv;
    if (file === undefined) return Promise.reject(new Error('LocalTransport.exec: empty argv'));
    core.debug(`run: ${argv.join(' ')}`);
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) {
        resolve({ exitCode: 130, stdout: '', stderr: '', aborted: true });
        return;
      }
      const child = spawn(file, args, { env: this.env, shell: false, stdio: 'pipe' });
      const output = collectOutput(child, options);
      let aborted = false;
      let killTimer: NodeJS.Timeout | undefined;
      const onAbort = () => {
        aborted = true;
        child.kill('SIGTERM');
        // Settled now: the caller does not wait for the program to go; one that ignores SIGTERM is killed.
        killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
        resolve({ exitCode: 130, stdout: output.stdout, stderr: output.stderr, aborted });
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      child.on('error', (error: NodeJS.ErrnoException) => {
        options.signal?.removeEventListener('abort', onAbort);
        if (error.code === 'ENOENT') {
          resolve({
            exitCode: EXIT_COMMAND_NOT_FOUND,
            stdout: output.stdout,
            stderr: `${file}: not found`,
            aborted,
          });
        } else reject(error);
      });
      child.on('close', (code, signal) => {
        clearTimeout(killTimer);
        options.signal?.removeEventListener('abort', onAbort);
        resolve({ exitCode: exitCodeOf(code, signal), ...output, aborted });
      });
    });
  }
}
