import type { CommandResult } from '../command.js';

export interface RemoteExecOptions {
  /** Written to the remote command's stdin, then closed: the way to hand it manifests or secrets. */
  stdin?: string | Buffer;
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
  /**
   * Stops the remote command (SIGTERM, then the channel is closed); the result then has `aborted: true`,
   * at once, without waiting for the server (a server that does not confirm within a second is taken for a
   * stalled link and the connection is dropped). A signal that fires while (re)connecting cuts that too,
   * with the same result. Without `stdin`, an abortable command's stdin stays open (SSH delivers signals
   * only on an open channel): give `stdin` to a command that reads it.
   */
  signal?: AbortSignal;
  /**
   * The command only reads (get, watch, logs): when the connection drops while it runs, it is run again
   * on a fresh connection. Commands that change something are never re-run: their fate is unknown.
   */
  safeToRerun?: boolean;
  /** Told when a dropped connection was re-established and a safe command starts again from scratch. */
  onRerun?: (attempt: number, cause: unknown) => void;
}

export interface RemoteExecResult extends CommandResult {
  /** True when `signal` stopped the command before it ended by itself. */
  aborted: boolean;
}

/**
 * A shell on a remote host: the seam between SSH and what runs over it (kubectl). `command` is one shell
 * command line, built by `shellCommand` from validated argv; a non-zero exit code is returned, not thrown.
 */
export interface RemoteShell {
  /** Where commands run, for log lines: `user@host:port`. */
  readonly target: string;
  exec(command: string, options?: RemoteExecOptions): Promise<RemoteExecResult>;
}
