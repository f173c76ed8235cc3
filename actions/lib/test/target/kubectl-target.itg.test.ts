import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { useSandbox } from '../../../../sandbox/src/testing.js';
import {
  CHANGE_CAUSE_ANNOTATION,
  deploymentImages,
  deploymentRevision,
  type KubectlClient,
  localKubectl,
  revisionOf as revisionOfObject,
} from '../../src/kubectl/index.js';
import { KubectlTarget } from '../../src/target/index.js';
import { removeNamespace } from '../kubectl/namespaces.js';

// The deploy target's operations against the sandbox's Kubernetes cluster, driven by the real kubectl as the cluster
// admin. replicas: 0 keeps the kubelet out of it: revisions and ReplicaSets are the Deployment
// controller's work, not the pods'.
const namespace = 'lib-kubectl-ops';
let kubectl: KubectlClient;
let target: KubectlTarget;

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

// Up to 30 s: a controller manager that has just started (or a busy machine) takes a while to catch up.
async function revisionOf(): Promise<number> {
  for (let i = 0; i < 300; i++) {
    const deployment = await target.deployment(namespace, 'web');
    const revision = deployment ? deploymentRevision(deployment) : 0;
    if (revision > 0) return revision;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the Deployment never got a revision annotation');
}

async function waitForRevision(wanted: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const deployment = await target.deployment(namespace, 'web');
    if (deployment && deploymentRevision(deployment) === wanted) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the Deployment never reached revision ${wanted}`);
}

beforeAll(async () => {
  const { kube } = await useSandbox(['kube']);
  kubectl = localKubectl({ kubeconfigPath: kube.kubeconfig });
  target = new KubectlTarget(kubectl);
  await removeNamespace(kubectl, namespace);
});

afterAll(async () => {
  await kubectl?.run(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
});

describe('the deploy target on the sandbox', () => {
  it('sees a deployment in a missing namespace as missing, not as an error', async () => {
    expect(await target.deployment(namespace, 'web')).toBeUndefined();
  });

  it('applies manifests from stdin, sets the image, annotates, and lists its ReplicaSets', async () => {
    const applied = await target.apply(manifests('127.0.0.1:1/app:one'));
    expect(applied.join('\n')).toMatch(/deployment\.apps\/web (created|configured)/);
    const first = await revisionOf();

    await target.setImage(namespace, 'web', { main: '127.0.0.1:1/app:two' });
    await target.annotateChangeCause(namespace, 'web', 'deploy two');
    await waitForRevision(first + 1);
    const deployment = await target.deployment(namespace, 'web');
    expect(deploymentImages(deployment!)).toEqual({ main: '127.0.0.1:1/app:two' });
    expect(deployment?.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION]).toBe('deploy two');

    const revisions = (await target.replicaSetsOf(namespace, deployment!))
      .sort((a, b) => (revisionOfObject(a) ?? 0) - (revisionOfObject(b) ?? 0))
      .map((rs) => rs.spec.template.spec.containers[0]?.image);
    expect(revisions).toEqual(['127.0.0.1:1/app:one', '127.0.0.1:1/app:two']);
  });

  it('finds namespaces by label, deletes one until it is gone, and calls a second delete absent', async () => {
    const preview = `${namespace}-preview`;
    const other = `${namespace}-other`;
    const labels = { 'k8s-ship.io/preview': 'true' };
    await target.apply(
      [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: preview, labels } },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: other } },
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'left-behind', namespace: preview },
          data: { a: 'b' },
        },
      ]
        .map((object) => stringify(object))
        .join('---\n'),
    );
    try {
      const found = (await target.namespaces({ matchLabels: labels })).map((n) => n.metadata.name);
      expect(found).toContain(preview);
      expect(found).not.toContain(other);

      expect(await target.deleteNamespace(preview, 120)).toBe('deleted');
      expect(await target.namespace(preview)).toBeUndefined();
      expect(await target.deleteNamespace(preview, 120)).toBe('absent');
      expect((await target.namespace(other))?.status?.phase).toBe('Active');
    } finally {
      await removeNamespace(kubectl, preview);
      await removeNamespace(kubectl, other);
    }
  });
});
