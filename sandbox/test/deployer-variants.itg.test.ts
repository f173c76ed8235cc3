import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDeployerRbac, renderDeployerRbac } from '../src/cluster/addons.js';
import { readState } from '../src/state.js';
import { useSandbox } from '../src/testing.js';
import { type ClusterClient, clusterClient, eventually } from './cluster-client.js';

/*
 * Which Deployments the deploy user may delete, as the API server decides it: RBAC grants delete on
 * Deployments so that a canary or blue/green deploy can remove its own `<name>-canary` / `<name>-green`,
 * and the deploy_user role's second ValidatingAdmissionPolicy lets only those go. Every request carries
 * the deployer's own token; the namespace is made and removed by the admin.
 */

const { serviceAccount } = renderDeployerRbac();
const policy = `${serviceAccount}-deletes-variants-only`;
const refusedBy = `ValidatingAdmissionPolicy '${policy}' with binding '${policy}' denied request`;
const TRACK = 'k8s-ship.io/track';
const namespace = `deployer-variants-${process.pid}`;

let admin: ClusterClient;
let deployer: ClusterClient;

/** A Deployment with no replicas: the admission decision is what is tested, not pods. */
function deploymentManifest(name: string, labels: Record<string, string> = {}): string {
  const app = { app: 'api', ...labels };
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas: 0,
      selector: { matchLabels: app },
      template: {
        metadata: { labels: app },
        spec: { containers: [{ name: 'api', image: 'registry.invalid/api:1' }] },
      },
    },
  });
}

const exists = async (name: string) =>
  (
    await admin.kubectl(['get', 'deployment', name, '-n', namespace, '--ignore-not-found', '-o', 'name'])
  ).stdout.trim() !== '';

beforeAll(async () => {
  const { kube } = await useSandbox(['kube']);
  admin = clusterClient(kube.kubeconfig);
  const record = readState().kube;
  if (!record) throw new Error('the sandbox records no cluster');
  deployer = clusterClient(record.deployKubeconfig);
  await applyDeployerRbac(admin.kubectl);
  await admin.kubectl(['create', 'namespace', namespace]);
  await admin.kubectl(['apply', '--filename=-'], deploymentManifest('api'));
  await eventually(
    'the policy to refuse the deployer a dry-run delete of the stable Deployment',
    () =>
      deployer
        .kubectlFails(['delete', 'deployment', 'api', '-n', namespace, '--dry-run=server'])
        .catch((e: Error) => e.message),
    (stderr) => stderr.includes(refusedBy),
    30_000,
  );
}, 300_000);

afterAll(async () => {
  await admin?.kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--timeout=120s']);
}, 150_000);

describe('the deploy user’s Deployment deletes, decided by the API server', () => {
  it('refuses to delete a Deployment that no canary or blue/green deploy made, and it stays', async () => {
    const stderr = await deployer.kubectlFails([
      'delete',
      'deployment',
      'api',
      '-n',
      namespace,
      '--wait=false',
    ]);
    expect(stderr).toContain(`Error from server (Forbidden): deployments.apps "api" is forbidden`);
    expect(stderr).toContain(
      `${refusedBy}: ${serviceAccount} may delete only the Deployments a canary or blue/green deploy made`,
    );
    expect(await exists('api')).toBe(true);
  });

  it('creates and deletes a canary and a green', async () => {
    for (const track of ['canary', 'green']) {
      await deployer.kubectl(
        ['apply', '--filename=-'],
        deploymentManifest(`api-${track}`, { [TRACK]: track }),
      );
      await deployer.kubectl([
        'delete',
        'deployment',
        `api-${track}`,
        '-n',
        namespace,
        '--wait=true',
        '--timeout=60s',
      ]);
      expect(await exists(`api-${track}`)).toBe(false);
    }
  });

  it('refuses a variant label on a Deployment not named for it', async () => {
    const stderr = await deployer.kubectlFails(
      ['apply', '--filename=-'],
      deploymentManifest('api-two', { [TRACK]: 'canary' }),
    );
    expect(stderr).toContain(`${refusedBy}: a Deployment labelled ${TRACK}=canary or green is named`);
    expect(await exists('api-two')).toBe(false);
  });

  it('refuses to add the label to an existing Deployment, or to remove it from a variant', async () => {
    const message = `${refusedBy}: the label ${TRACK} is set when a canary or green Deployment is created and never added`;
    expect(
      await deployer.kubectlFails(['label', 'deployment', 'api', '-n', namespace, `${TRACK}=canary`]),
    ).toContain(message);
    await deployer.kubectl(
      ['apply', '--filename=-'],
      deploymentManifest('api-canary', { [TRACK]: 'canary' }),
    );
    expect(
      await deployer.kubectlFails(['label', 'deployment', 'api-canary', '-n', namespace, `${TRACK}-`]),
    ).toContain(message);
    expect(await exists('api')).toBe(true);
  });
});
