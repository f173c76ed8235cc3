import type { ArgvTransport, ExecOptions, ExecResult } from '../process/transport.js';
import { shellCommand } from '../shell-quote.js';
import type { RemoteShell } from '../ssh/remote-shell.js';

/**
 * Runs argv on a remote host through its login shell: the one place a shell string is built, from argv
 * quoted by `shellCommand`. `set -eu` makes the shell stop at the first failure and on unset variables.
 */
export class RemoteShellTransport implements ArgvTransport {
  constructor(private readonly shell: RemoteShell) {}

  get target(): string {
    return this.shell.target;
  }

  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    return this.shell.exec(remoteCommandLine(argv), options);
  }
}

/** `set -eu; exec 'kubectl' …`: exec so that the exit code and signals are kubectl's own. */
export function remoteCommandLine(argv: readonly string[]): string {
  return `set -eu; exec ${shellCommand(argv)}`;
}
