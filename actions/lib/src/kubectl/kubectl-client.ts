import { AbortedError } from '../abortable.js';
import type { CommandResult } from '../command.js';
import { LocalTransport } from '../process/local-transport.js';
import { type ArgvTransport, EXIT_COMMAND_NOT_FOUND } from '../process/transport.js';
import type { RemoteShell } from '../ssh/remote-shell.js';
import { type Kubectl, KubectlError, KubectlNotFoundError, type KubectlRunOptions } from './kubectl.js';
import { RemoteShellTransport } from './remote-shell-transport.js';

export interface KubectlLocation {
  /** kubectl's path where it runs; default `kubectl` (found on PATH). */
  kubectlPath?: string;
  /** The kubeconfig where kubectl runs; default: kubectl's own (KUBECONFIG, ~/.kube/config). */
  kubeconfigPath?: string;
}

/** Kubectl on any ArgvTransport: adds the global flags, checks exit codes. */
export class KubectlClient implements Kubectl {
  private readonly kubectlPath: string;
  private readonly globalArgs: readonly string[];

  constructor(
    private readonly transport: ArgvTransport,
    location: KubectlLocation = {},
  ) {
    this.kubectlPath = location.kubectlPath ?? 'kubectl';
    this.globalArgs = location.kubeconfigPath ? ['--kubeconfig', location.kubeconfigPath] : [];
  }

  get target(): string {
    return `kubectl on ${this.transport.target}`;
  }

  /** The full argv that runs `args`: exposed for logs and tests. */
  argv(args: readonly string[]): string[] {
    return [this.kubectlPath, ...this.globalArgs, ...args];
  }

  async run(args: readonly string[], options: KubectlRunOptions = {}): Promise<CommandResult> {
    const result = await this.transport.exec(this.argv(args), {
      stdin: options.stdin,
      signal: options.signal,
      safeToRerun: options.readOnly === true,
    });
    if (result.aborted) {
      throw new AbortedError(
        `kubectl ${args.slice(0, 2).join(' ')} (${this.target})`,
        options.signal?.reason,
      );
    }
    this.checkFound(result);
    const { exitCode, stdout, stderr } = result;
    if (exitCode !== 0 && !options.ignoreExitCode) {
      throw new KubectlError(this.target, args, { exitCode, stdout, stderr });
    }
    return { exitCode, stdout, stderr };
  }

  private checkFound(result: CommandResult): void {
    if (result.exitCode === EXIT_COMMAND_NOT_FOUND && /not found|No such file/i.test(result.stderr)) {
      throw new KubectlNotFoundError(this.transport.target, this.kubectlPath);
    }
  }
}

/** kubectl on the control-plane node, over an SSH connection (see `openSshConnection`). */
export function sshKubectl(shell: RemoteShell, location: KubectlLocation = {}): KubectlClient {
  return new KubectlClient(new RemoteShellTransport(shell), location);
}

/** kubectl on this machine, for clusters whose API is reachable from here. */
export function localKubectl(location: KubectlLocation = {}, env?: NodeJS.ProcessEnv): KubectlClient {
  return new KubectlClient(new LocalTransport(env), location);
}
