import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { useSandbox } from '../../../../sandbox/src/testing.js';
import {
  annotateChangeCause,
  applyManifests,
  CHANGE_CAUSE_ANNOTATION,
  deploymentImages,
  deploymentRevision,
  getDeployment,
  type KubectlClient,
  localKubectl,
  namespaceExists,
  podsBySelector,
  rolloutHistory,
  rolloutUndo,
  setImage,
} from '../../src/kubectl/index.js';
import { removeNamespace } from './namespaces.js';

// The typed operations against the sandbox's Kubernetes cluster, driven by the real kubectl as the cluster
// admin. replicas: 0 keeps the kubelet out of it: revisions, history and undo are the Deployment
// controller's work, not the pods'.
const namespace = 'lib-kubectl-ops';
let kubectl: KubectlClient;

function manifests(image: string): string {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'main', image }] } },
      },
    },
  ]
    .map((object) => stringify(object))
    .join('---\n');
}

async function revisionOf(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const deployment = await getDeployment(kubectl, namespace, 'web');
    const revision = deployment ? deploymentRevision(deployment) : 0;
    if (revision > 0) return revision;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the Deployment never got a revision annotation');
}

async function waitForRevision(wanted: number): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const deployment = await getDeployment(kubectl, namespace, 'web');
    if (deployment && deploymentRevision(deployment) === wanted) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the Deployment never reached revision ${wanted}`);
}

beforeAll(async () => {
  const { kube } = await useSandbox(['kube']);
  kubectl = localKubectl({ kubeconfigPath: kube.kubeconfig });
  await removeNamespace(kubectl, namespace);
});

afterAll(async () => {
  await kubectl?.run(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
});

describe('kubectl operations on the sandbox', () => {
  it('sees a missing namespace and deployment as missing, not as an error', async () => {
    expect(await namespaceExists(kubectl, namespace)).toBe(false);
    expect(await getDeployment(kubectl, namespace, 'web')).toBeUndefined();
  });

  it('applies manifests from stdin, sets the image, annotates, lists history and undoes', async () => {
    const applied = await applyManifests(kubectl, manifests('127.0.0.1:1/app:one'));
    expect(applied.join('\n')).toMatch(/deployment\.apps\/web (created|configured)/);
    expect(await namespaceExists(kubectl, namespace)).toBe(true);
    const first = await revisionOf();

    await setImage(kubectl, namespace, 'web', { main: '127.0.0.1:1/app:two' });
    await annotateChangeCause(kubectl, namespace, 'web', 'deploy two');
    await waitForRevision(first + 1);
    const deployment = await getDeployment(kubectl, namespace, 'web');
    expect(deploymentImages(deployment!)).toEqual({ main: '127.0.0.1:1/app:two' });
    expect(deployment?.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION]).toBe('deploy two');

    const history = await rolloutHistory(kubectl, namespace, 'web');
    expect(history.map((entry) => entry.images.main)).toEqual(['127.0.0.1:1/app:one', '127.0.0.1:1/app:two']);

    await rolloutUndo(kubectl, namespace, 'web', first);
    await waitForRevision(first + 2);
    const undone = await getDeployment(kubectl, namespace, 'web');
    expect(deploymentImages(undone!)).toEqual({ main: '127.0.0.1:1/app:one' });
    expect(await podsBySelector(kubectl, namespace, { matchLabels: { app: 'web' } })).toEqual([]);
  });
});
