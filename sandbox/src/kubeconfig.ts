import { rmSync } from 'node:fs';
import { writePrivateFile } from './private-files.js';
import { lookUpUser } from './ssh-user.js';

export const sandboxContext = 'k8s-ship-sandbox';

/** A kubeconfig for the stand-in: one cluster, one context, no credentials (the stand-in has no auth). */
export function kubeconfigFor(serverUrl: string, namespace = 'default'): string {
  // JSON is valid YAML, and kubectl reads either.
  return `${JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: sandboxContext, cluster: { server: serverUrl } }],
      users: [{ name: sandboxContext, user: {} }],
      contexts: [
        { name: sandboxContext, context: { cluster: sandboxContext, user: sandboxContext, namespace } },
      ],
      'current-context': sandboxContext,
      preferences: {},
    },
    null,
    2,
  )}\n`;
}

/** Writes the kubeconfig 0600, owned by the SSH host's login user when it exists (root reads it anyway). */
export async function writeKubeconfig(path: string, serverUrl: string, sshUser: string): Promise<void> {
  writePrivateFile(path, kubeconfigFor(serverUrl), await lookUpUser(sshUser));
}

export function removeKubeconfig(path: string): void {
  rmSync(path, { force: true });
}
