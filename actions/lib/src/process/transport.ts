import type { CommandResult } from '../command.js';

export interface ExecOptions {
  /** Written to the command's stdin, then closed: the way to hand it manifests or secrets. */
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

export interface ExecResult extends CommandResult {
  /** True when `signal` stopped the command before it ended by itself. */
  aborted: boolean;
}

/**
 * Runs one argv somewhere: here (`LocalTransport`) or on a remote host (`RemoteShellTransport`). A
 * non-zero exit code is a result, not an error; exit code 127 means the program was not found.
 */
export interface ArgvTransport {
  /** Where the argv runs, for log lines: `this machine`, `deploy@10.0.0.1:22`. */
  readonly target: string;
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
}

export { EXIT_COMMAND_NOT_FOUND } from './run-process.js';
