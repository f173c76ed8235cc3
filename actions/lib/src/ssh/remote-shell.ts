import type { ExecOptions, ExecResult } from '../process/transport.js';

/**
 * A shell on a remote host: the seam between SSH and what runs over it (kubectl). `command` is one shell
 * command line, built by `shellCommand` from validated argv; a non-zero exit code is returned, not thrown.
 */
export interface RemoteShell {
  /** Where commands run, for log lines: `user@host:port`. */
  readonly target: string;
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
}
