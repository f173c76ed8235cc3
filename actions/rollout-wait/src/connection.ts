import { localKubectl, sshKubectl } from '../../lib/src/kubectl/index.js';
import { defaultSshAccessDeps, openSshAccess } from '../../lib/src/ssh/index.js';
import type { ConnectionInputs } from './inputs.js';
import type { KubectlRun } from './kubectl-cluster.js';

export interface OpenKubectl {
  kubectl: KubectlRun;
  close(): Promise<void>;
}

/**
 * kubectl where the inputs say: on the control-plane node over one SSH connection (reused by every poll
 * and re-opened when it drops; the node found on EC2 when asked), or on the runner for clusters whose API
 * server it can reach.
 */
export async function openKubectl(connection: ConnectionInputs, signal?: AbortSignal): Promise<OpenKubectl> {
  const location = { kubectlPath: connection.kubectlPath, kubeconfigPath: connection.kubeconfig };
  if (!connection.ssh) return { kubectl: localKubectl(location), close: async () => {} };
  // `signal` is the rollout's deadline: connecting (EC2 lookup, attempts, back-off) counts against it.
  const ssh = await openSshAccess(connection.ssh, defaultSshAccessDeps(), signal);
  return { kubectl: sshKubectl(ssh, location), close: async () => ssh.close() };
}
