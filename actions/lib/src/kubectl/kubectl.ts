import type { CommandResult } from '../command.js';
import { ClusterError, kubectlFailureKind } from './cluster-error.js';

export interface KubectlRunOptions {
  /** Written to kubectl's stdin (e.g. manifests for `apply -f -`). */
  stdin?: string;
  /**
   * The command only reads the cluster: it may be re-run when the connection drops under it. Leave unset
   * for anything that changes the cluster.
   */
  readOnly?: boolean;
  /** Resolve with the result instead of throwing KubectlError on a non-zero exit code. */
  ignoreExitCode?: boolean;
  /**
   * The call's deadline or cancellation: when it fires, the call rejects at once with AbortedError
   * (`timedOut` for a deadline), whatever it was doing: running kubectl, waiting on a stalled link,
   * reconnecting, re-running a read-only command. kubectl itself is stopped.
   */
  signal?: AbortSignal;
}

/**
 * kubectl against one cluster, wherever kubectl runs: on the control-plane node over SSH
 * (`SshKubectl`) or here (`LocalKubectl`). `args` are kubectl's arguments after the global flags the
 * client adds (`--kubeconfig`), never a shell string.
 */
export interface Kubectl {
  /** Where kubectl runs, for log lines: `kubectl on deploy@10.0.0.1:22` or `local kubectl`. */
  readonly target: string;
  /** Rejects with KubectlError (non-zero exit), KubectlNotFoundError, or AbortedError (`signal` fired). */
  run(args: readonly string[], options?: KubectlRunOptions): Promise<CommandResult>;
}

/** kubectl exited non-zero; its kind (not found, forbidden, …) read from what it printed. */
export class KubectlError extends ClusterError {
  constructor(
    readonly target: string,
    readonly args: readonly string[],
    readonly result: CommandResult,
  ) {
    const stderr = result.stderr.trim().split('\n').slice(-10).join('\n');
    super(
      `kubectl ${args.slice(0, 2).join(' ')} failed (${target}, exit code ${result.exitCode})` +
        (stderr ? `: ${stderr}` : ''),
      kubectlFailureKind(result.stderr),
    );
    this.name = 'KubectlError';
  }
}

/** kubectl (or the shell in front of it) could not be started at all: wrong path, missing on the node. */
export class KubectlNotFoundError extends ClusterError {
  constructor(
    readonly target: string,
    readonly kubectlPath: string,
  ) {
    super(
      `kubectl was not found at '${kubectlPath}' (${target}): install it there or set its path`,
      'permanent',
    );
    this.name = 'KubectlNotFoundError';
  }
}
