import type { Kubectl } from '../../src/kubectl/kubectl.js';

/**
 * Deletes a namespace an earlier run may have left and waits until it is gone: deletion is asynchronous,
 * and a namespace still terminating refuses every object applied into it.
 */
export async function removeNamespace(kubectl: Kubectl, namespace: string): Promise<void> {
  await kubectl.run([
    'delete',
    'namespace',
    namespace,
    '--ignore-not-found',
    '--wait=true',
    '--timeout=120s',
  ]);
}
