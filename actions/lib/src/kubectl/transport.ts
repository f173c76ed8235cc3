import type { RemoteExecOptions, RemoteExecResult } from '../ssh/remote-shell.js';

/**
 * Runs one argv somewhere: here (`LocalTransport`) or on a remote host (`RemoteShellTransport`). A
 * non-zero exit code is a result, not an error; exit code 127 means the program was not found.
 */
export interface ArgvTransport {
  readonly target: string;
  exec(argv: readonly string[], options?: RemoteExecOptions): Promise<RemoteExecResult>;
}

/** The exit code POSIX shells use for "command not found"; the local transport maps ENOENT to it too. */
export const EXIT_COMMAND_NOT_FOUND = 127;
