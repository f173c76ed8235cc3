import { spawn } from 'node:child_process';
import * as core from '@actions/core';
import { childEnv } from '../child-env.js';
import { collectOutput, exitCodeOf } from '../child-output.js';
import type { RemoteExecOptions, RemoteExecResult } from '../ssh/remote-shell.js';
import { type ArgvTransport, EXIT_COMMAND_NOT_FOUND } from './transport.js';

/**
 * Runs argv on this machine with no shell. Unlike ProcessCommandRunner it can be stopped by an
 * AbortSignal, which a watch needs.
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
      let aborted = false;
      const onAbort = () => {
        aborted = true;
        child.kill('SIGTERM');
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const output = collectOutput(child, options);
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
        options.signal?.removeEventListener('abort', onAbort);
        resolve({ exitCode: exitCodeOf(code, signal), ...output, aborted });
      });
    });
  }
}
