import { AbortedError } from '../abortable.js';
import type { CommandResult } from '../command.js';
import { LocalTransport } from '../process/local-transport.js';
import { type ArgvTransport, EXIT_COMMAND_NOT_FOUND } from '../process/transport.js';
import type { RemoteShell } from '../ssh/remote-shell.js';
import {
  type Kubectl,
  KubectlError,
  KubectlNotFoundError,
  type KubectlRunOptions,
  type KubectlStreamEnd,
  type KubectlStreamOptions,
} from './kubectl.js';
import { RemoteShellTransport } from './remote-shell-transport.js';

export interface KubectlLocation {
  /** kubectl's path where it runs; default `kubectl` (found on PATH). */
  kubectlPath?: string;
  /** The kubeconfig where kubectl runs; default: kubectl's own (KUBECONFIG, ~/.kube/config). */
  kubeconfigPath?: string;
}

/** Kubectl on any ArgvTransport: adds the global flags, checks exit codes, splits streams into lines. */
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

  async json<T>(
    args: readonly string[],
    options: Omit<KubectlRunOptions, 'ignoreExitCode'> = {},
  ): Promise<T> {
    const { stdout } = await this.run([...args, '-o', 'json'], options);
    try {
      return JSON.parse(stdout) as T;
    } catch {
      throw new Error(
        `kubectl ${args.slice(0, 2).join(' ')} (${this.target}) printed no JSON: ${stdout.slice(0, 200)}`,
      );
    }
  }

  async stream(
    args: readonly string[],
    onLine: (line: string) => void,
    options: KubectlStreamOptions = {},
  ): Promise<KubectlStreamEnd> {
    const stdoutLines = new LineSplitter(onLine);
    const stderrLines = new LineSplitter((line) => options.onStderrLine?.(line));
    const result = await this.transport.exec(this.argv(args), {
      signal: options.signal,
      safeToRerun: options.readOnly === true,
      onStdout: (chunk) => stdoutLines.push(chunk),
      onStderr: (chunk) => stderrLines.push(chunk),
      onRerun: (attempt, cause) => {
        // A half line from the dropped connection must not be glued to the first line of the new one.
        stdoutLines.reset();
        stderrLines.reset();
        options.onRestart?.(attempt, cause);
      },
    });
    stdoutLines.flush();
    stderrLines.flush();
    this.checkFound(result);
    return { exitCode: result.exitCode, stderr: result.stderr, aborted: result.aborted };
  }

  private checkFound(result: CommandResult): void {
    if (result.exitCode === EXIT_COMMAND_NOT_FOUND && /not found|No such file/i.test(result.stderr)) {
      throw new KubectlNotFoundError(this.transport.target, this.kubectlPath);
    }
  }
}

/** Turns chunks into whole lines; the last line without a newline comes out on flush. */
class LineSplitter {
  private buffer = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string): void {
    this.buffer += chunk;
    let newline = this.buffer.indexOf('\n');
    while (newline >= 0) {
      this.onLine(this.buffer.slice(0, newline).replace(/\r$/, ''));
      this.buffer = this.buffer.slice(newline + 1);
      newline = this.buffer.indexOf('\n');
    }
  }

  flush(): void {
    if (this.buffer) this.onLine(this.buffer);
    this.buffer = '';
  }

  reset(): void {
    this.buffer = '';
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
