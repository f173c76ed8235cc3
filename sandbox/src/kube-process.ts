import { existsSync } from 'node:fs';
import { run } from './exec.js';
import { type ClusterRecord, clusterIsHealthy, startCluster, stopCluster } from './cluster/cluster.js';
import { sandboxSubdir } from './paths.js';
import { installExternalDeployUser } from './cluster/external.js';
import { kubeconfigPath } from './ssh-host.js';
import { deployUser } from './ssh-user.js';
import type { KubeRecord, RegistryRecord, Starter } from './state.js';

/**
 * The sandbox's Kubernetes: the real upstream cluster built from sandbox/cluster (etcd, control plane,
 * containerd, kubelet, metrics-server), or a cluster the user already has (kind, k3d, k3s), named by its
 * kubeconfig, on which the sandbox only installs the deploy user's RBAC.
 */
export async function startKube(
  previous: KubeRecord | undefined,
  registry: RegistryRecord,
  startedBy: Starter,
  options: { externalKubeconfig?: string; log?: (line: string) => void } = {},
): Promise<KubeRecord> {
  const log = options.log ?? ((line: string) => console.error(line));
  const deployKubeconfig = kubeconfigPath();
  if (options.externalKubeconfig) {
    return installExternalDeployUser(options.externalKubeconfig, deployKubeconfig, deployUser, startedBy);
  }
  const cluster = await startCluster(
    previous && !previous.external ? previous : undefined,
    {
      dir: sandboxSubdir('cluster'),
      registryAddress: `127.0.0.1:${registry.port}`,
      registryCredentialsFile: registry.credentialsFile,
      deployKubeconfig,
      deployUser,
      log,
    },
    startedBy,
  );
  return { ...cluster, external: false, deployKubeconfig };
}

export async function kubeIsHealthy(record: KubeRecord): Promise<boolean> {
  if (!record.external) return clusterIsHealthy(record as ClusterRecord);
  if (!existsSync(record.kubeconfig)) return false;
  try {
    await run('kubectl', ['--kubeconfig', record.kubeconfig, 'get', '--raw', '/readyz'], { timeoutMs: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** Stops what the sandbox started; a cluster the user brought is left as it is. */
export async function stopKube(record: KubeRecord): Promise<void> {
  if (!record.external) await stopCluster(record as ClusterRecord);
}

/** The server and node versions a kubeconfig's cluster reports, for `status` and the demo. */
export async function kubeVersions(kubectl: string, kubeconfig: string): Promise<{ server: string; node: string }> {
  const { stdout } = await run(kubectl, ['--kubeconfig', kubeconfig, 'version', '--output=json'], { timeoutMs: 20_000 });
  const server = (JSON.parse(stdout) as { serverVersion?: { gitVersion?: string } }).serverVersion?.gitVersion ?? 'unknown';
  const nodes = await run(kubectl, ['--kubeconfig', kubeconfig, 'get', 'nodes', '--output=jsonpath={.items[*].status.nodeInfo.kubeletVersion}'], { timeoutMs: 20_000 });
  return { server, node: nodes.stdout.trim() || 'no node' };
}
