import { localKubectl, sshKubectl } from '../kubectl/kubectl-client.js';
import { defaultSshAccessDeps, openSshAccess, type SshAccessDeps } from '../ssh/access.js';
import type { SshConnectionSettings } from '../ssh/connection-inputs.js';
import type { ChannelOpener } from '../ssh/port-forward.js';
import { type KubectlRun, KubectlTarget, type KubectlTargetOptions } from './kubectl-target.js';

/** Where kubectl runs and which cluster it talks to: the connection block the deploy actions share. */
export interface TargetConnection {
  /** kubectl's path where it runs: on the node over SSH, or on the runner. */
  kubectlPath: string;
  /** The kubeconfig where kubectl runs; default kubectl's own there. */
  kubeconfig?: string;
  /** The control-plane node to run kubectl on; absent: kubectl runs on the runner. */
  ssh?: SshConnectionSettings;
}

export interface OpenKubectl {
  kubectl: KubectlRun;
  /** The SSH connection kubectl runs over, for forwarded ports (Prometheus); absent for a local kubectl. */
  ssh?: ChannelOpener;
  close(): Promise<void>;
}

export interface OpenTarget {
  target: KubectlTarget;
  ssh?: ChannelOpener;
  close(): Promise<void>;
}

export interface OpenTargetOptions extends KubectlTargetOptions {
  deps?: SshAccessDeps;
  /** The step's deadline: connecting (EC2 lookup, attempts, back-off) counts against it. */
  signal?: AbortSignal;
}

/**
 * kubectl where the connection says: on the control-plane node over one SSH connection (reused by every
 * call and re-opened when it drops; the node found on EC2 when asked), or on the runner for clusters
 * whose API server it can reach.
 */
export async function openKubectl(
  connection: TargetConnection,
  deps: SshAccessDeps = defaultSshAccessDeps(),
  signal?: AbortSignal,
): Promise<OpenKubectl> {
  const location = {
    kubectlPath: connection.kubectlPath,
    ...(connection.kubeconfig !== undefined && { kubeconfigPath: connection.kubeconfig }),
  };
  if (!connection.ssh) return { kubectl: localKubectl(location), close: async () => {} };
  const ssh = await openSshAccess(connection.ssh, deps, signal);
  return { kubectl: sshKubectl(ssh, location), ssh, close: async () => ssh.close() };
}

/** The deploy target: the cluster the connection reaches, with the operations the actions need. */
export async function openTarget(
  connection: TargetConnection,
  options: OpenTargetOptions = {},
): Promise<OpenTarget> {
  const { kubectl, ssh, close } = await openKubectl(connection, options.deps, options.signal);
  const target = new KubectlTarget(kubectl, {
    ...(options.requestTimeoutSeconds !== undefined && {
      requestTimeoutSeconds: options.requestTimeoutSeconds,
    }),
  });
  return { target, ...(ssh && { ssh }), close };
}
