import { existsSync } from 'node:fs';
import { clusterIsHealthy, startCluster, stopCluster } from './cluster/cluster.js';
import { installExternalDeployUser } from './cluster/external.js';
import { run } from './exec.js';
import { kubectlProxyIsHealthy, startKubectlProxy, stopKubectlProxy } from './kubectl-proxy.js';
import { sandboxSubdir } from './paths.js';
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
  const logDir = sandboxSubdir('cluster', 'logs');
  if (options.externalKubeconfig) {
    const external = await installExternalDeployUser(
      options.externalKubeconfig,
      deployKubeconfig,
      deployUser,
      startedBy,
    );
    const proxy = await startKubectlProxy(['kubectl'], external.kubeconfig, logDir, previous?.proxy.port);
    return { ...external, proxy };
  }
  const cluster = await startCluster(
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
  const proxy = await startKubectlProxy(
    [cluster.binaries.main, 'kubectl'],
    cluster.kubeconfig,
    logDir,
    previous?.proxy.port,
  ).catch(async (error: unknown) => {
    await stopCluster(cluster);
    throw error;
  });
  return { ...cluster, external: false, deployKubeconfig, proxy };
}

export async function kubeIsHealthy(record: KubeRecord): Promise<boolean> {
  if (!(await kubectlProxyIsHealthy(record.proxy))) return false;
  if (!record.external) return clusterIsHealthy(record);
  if (!existsSync(record.kubeconfig)) return false;
  try {
    await run('kubectl', ['--kubeconfig', record.kubeconfig, 'get', '--raw', '/readyz'], {
      timeoutMs: 10_000,
    });
    return true;
  } catch {
    return false;
  }
}

/** Stops what the sandbox started; a cluster the user brought is left as it is. */
export async function stopKube(record: KubeRecord): Promise<void> {
  if (record.proxy) await stopKubectlProxy(record.proxy);
  if (!record.external) await stopCluster(record);
}

/** The server and node versions a kubeconfig's cluster reports, for `status` and the demo. */
export async function kubeVersions(
  kubectl: string,
  kubeconfig: string,
): Promise<{ server: string; node: string }> {
  const { stdout } = await run(kubectl, ['--kubeconfig', kubeconfig, 'version', '--output=json'], {
    timeoutMs: 20_000,
  });
  const server =
    (JSON.parse(stdout) as { serverVersion?: { gitVersion?: string } }).serverVersion?.gitVersion ??
    'unknown';
  const nodes = await run(
    kubectl,
    [
      '--kubeconfig',
      kubeconfig,
      'get',
      'nodes',
      '--output=jsonpath={.items[*].status.nodeInfo.kubeletVersion}',
    ],
    { timeoutMs: 20_000 },
  );
  return { server, node: nodes.stdout.trim() || 'no node' };
}
