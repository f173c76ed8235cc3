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
  getReplicaSets,
  type KubectlClient,
  localKubectl,
  revisionOf as revisionOfObject,
  setImage,
} from '../../src/kubectl/index.js';
import { removeNamespace } from './namespaces.js';

// The typed operations against the sandbox's Kubernetes cluster, driven by the real kubectl as the cluster
// admin. replicas: 0 keeps the kubelet out of it: revisions and ReplicaSets are the Deployment
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
  it('sees a deployment in a missing namespace as missing, not as an error', async () => {
    expect(await getDeployment(kubectl, namespace, 'web')).toBeUndefined();
  });

  it('applies manifests from stdin, sets the image, annotates, and lists its ReplicaSets', async () => {
    const applied = await applyManifests(kubectl, manifests('127.0.0.1:1/app:one'));
    expect(applied.join('\n')).toMatch(/deployment\.apps\/web (created|configured)/);
    const first = await revisionOf();

    await setImage(kubectl, namespace, 'web', { main: '127.0.0.1:1/app:two' });
    await annotateChangeCause(kubectl, namespace, 'web', 'deploy two');
    await waitForRevision(first + 1);
    const deployment = await getDeployment(kubectl, namespace, 'web');
    expect(deploymentImages(deployment!)).toEqual({ main: '127.0.0.1:1/app:two' });
    expect(deployment?.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION]).toBe('deploy two');

    const revisions = (await getReplicaSets(kubectl, deployment!))
      .sort((a, b) => (revisionOfObject(a) ?? 0) - (revisionOfObject(b) ?? 0))
      .map((rs) => rs.spec.template.spec.containers[0]?.image);
    expect(revisions).toEqual(['127.0.0.1:1/app:one', '127.0.0.1:1/app:two']);
  });
});
