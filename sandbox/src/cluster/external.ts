import { run } from '../exec.js';
import { writePrivateFile } from '../private-files.js';
import { lookUpUser } from '../ssh-user.js';
import type { ExternalKubeRecord, Starter } from '../state.js';
import { applyDeployerRbac } from './addons.js';
import { kubeconfigText } from './pki.js';

interface MinifiedKubeconfig {
  clusters?: { cluster?: { server?: string; 'certificate-authority-data'?: string } }[];
}

/**
 * A cluster the user brings (kind, k3d, k3s): the sandbox builds nothing and starts nothing for it. It
 * applies the deploy user's RBAC there with the user's kubectl and kubeconfig, and gives the SSH host's
 * sessions a kubeconfig with that service account's token, as on a node provisioned by Ansible.
 */
export async function installExternalDeployUser(
  kubeconfig: string,
  deployKubeconfig: string,
  deployUser: string,
  startedBy: Starter,
): Promise<Omit<ExternalKubeRecord, 'proxy'>> {
  const kubectl = (args: readonly string[], input?: string) =>
    run('kubectl', [`--kubeconfig=${kubeconfig}`, ...args], { input, timeoutMs: 120_000 });
  const view = JSON.parse(
    (await kubectl(['config', 'view', '--minify', '--raw', '--output=json'])).stdout,
  ) as MinifiedKubeconfig;
  const cluster = view.clusters?.[0]?.cluster;
  if (!cluster?.server || !cluster['certificate-authority-data']) {
    throw new Error(`${kubeconfig}: its current context has no server with certificate-authority-data`);
  }
  const token = await applyDeployerRbac(kubectl);
  writePrivateFile(
    deployKubeconfig,
    kubeconfigText(cluster.server, Buffer.from(cluster['certificate-authority-data'], 'base64'), { token }),
    await lookUpUser(deployUser),
  );
  const version = JSON.parse((await kubectl(['version', '--output=json'])).stdout) as {
    serverVersion?: { gitVersion?: string };
  };
  return {
    external: true,
    url: cluster.server,
    kubeconfig,
    version: version.serverVersion?.gitVersion ?? 'unknown',
    deployKubeconfig,
    startedBy,
  };
}
