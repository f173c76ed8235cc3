import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../exec.js';
import { type FileOwner, writePrivateFile } from '../private-files.js';
import type { ClusterBinaries } from './binaries.js';
import { podNetwork, serviceNetwork } from './network.js';

/** The cluster's certificates and keys, made by `k8s-sandbox pki` and kept across restarts. */
export class ClusterPki {
  constructor(readonly dir: string) {}

  crt(name: string): string {
    return join(this.dir, `${name}.crt`);
  }

  key(name: string): string {
    return join(this.dir, `${name}.key`);
  }

  /** Writes a kubeconfig that logs in with the client certificate `name`, every file embedded. */
  writeKubeconfig(path: string, server: string, name: string, owner?: FileOwner): void {
    writePrivateFile(
      path,
      kubeconfigText(server, readFileSync(this.crt('ca')), {
        'client-certificate-data': readFileSync(this.crt(name)).toString('base64'),
        'client-key-data': readFileSync(this.key(name)).toString('base64'),
      }),
      owner,
    );
  }
}

export const clusterName = 'k8s-ship-sandbox';

/** A one-cluster, one-user kubeconfig (JSON is valid YAML, and kubectl reads either). */
export function kubeconfigText(server: string, caPem: Buffer, user: Record<string, string>): string {
  return `${JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        { name: clusterName, cluster: { server, 'certificate-authority-data': caPem.toString('base64') } },
      ],
      users: [{ name: clusterName, user }],
      contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
      'current-context': clusterName,
    },
    null,
    2,
  )}\n`;
}

export async function ensurePki(
  binaries: ClusterBinaries,
  dir: string,
  nodeName: string,
): Promise<ClusterPki> {
  await run(binaries.main, [
    'pki',
    '--dir',
    dir,
    '--node-name',
    nodeName,
    '--node-ip',
    podNetwork.nodeIp,
    '--service-ip',
    serviceNetwork.apiServiceIp,
  ]);
  return new ClusterPki(dir);
}
