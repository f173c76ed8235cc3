import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { applyDeployerRbac, renderDeployerRbac } from '../src/cluster/addons.js';
import { CommandError } from '../src/exec.js';
import { readState } from '../src/state.js';
import { useSandbox } from '../src/testing.js';
import { type ClusterClient, clusterClient, eventually } from './cluster-client.js';

/*
 * What the deploy user may delete, as the API server decides it: RBAC lets it delete namespaces, and the
 * deploy_user role's ValidatingAdmissionPolicy lets only previews go. Every request here carries the
 * deployer's own token (the sandbox's deploy kubeconfig), so no action's check stands in between. The
 * namespaces are made and removed by the admin.
 */

const { manifest, serviceAccount } = renderDeployerRbac();
const policy = `${serviceAccount}-deletes-previews-only`;
const refusedBy = `ValidatingAdmissionPolicy '${policy}' with binding '${policy}' denied request`;
const PREVIEW = 'k8s-ship.io/preview';

const run = `deployer-ns-${process.pid}`;
/** Named like a long-lived environment's namespace, and not labelled: what prod looks like. */
const prodLike = `${run}-prod`;
/** Named like a preview but not labelled one at creation: made by hand, not by the preview overlay. */
const handmade = `${run}-preview-handmade`;
/** A preview, labelled at creation as k8s/overlays/preview does. */
const preview = `${run}-preview-feature-login`;
const made = [prodLike, handmade, preview];

let admin: ClusterClient;
let deployer: ClusterClient;

function namespaceManifest(name: string, labels: Record<string, string> = {}): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
}

/** What the API server answered the deployer, which must be a refusal. */
async function refusal(args: readonly string[], input?: string): Promise<string> {
  const error = await deployer.kubectl(args, input).then(
    (result) => new Error(`kubectl ${args.join(' ')} was admitted: ${result.stdout}`),
    (error: unknown) => error,
  );
  if (!(error instanceof CommandError)) throw error;
  return error.stderr;
}

async function labelsOf(name: string): Promise<Record<string, string>> {
  return (await admin.json(['get', 'namespace', name])).metadata.labels ?? {};
}

async function isTerminating(name: string): Promise<boolean> {
  return (await admin.json(['get', 'namespace', name])).metadata.deletionTimestamp !== undefined;
}

async function removeAsAdmin(names: readonly string[]): Promise<void> {
  await admin.kubectl(['delete', 'namespace', ...names, '--ignore-not-found', '--timeout=120s']);
}

beforeAll(async () => {
  const { kube } = await useSandbox(['kube']);
  admin = clusterClient(kube.kubeconfig);
  const record = readState().kube;
  if (!record) throw new Error('the sandbox records no cluster');
  deployer = clusterClient(record.deployKubeconfig);
  // A sandbox that was already up holds the manifest of its start: apply this checkout's, as `up` does.
  await applyDeployerRbac(admin.kubectl);
  await removeAsAdmin(made);
  await admin.kubectl(['apply', '--filename=-'], namespaceManifest(prodLike));
  await admin.kubectl(['apply', '--filename=-'], namespaceManifest(handmade));
  await admin.kubectl(['apply', '--filename=-'], namespaceManifest(preview, { [PREVIEW]: 'true' }));
  // A new policy takes a moment to reach the admission plugin: until then a server-side dry run (which
  // changes nothing) is admitted.
  await eventually(
    'the policy to refuse the deployer a dry-run delete of a non-preview namespace',
    () =>
      refusal(['delete', 'namespace', prodLike, '--dry-run=server']).catch((error: Error) => error.message),
    (stderr) => stderr.includes(refusedBy),
    30_000,
  );
}, 300_000);

afterAll(async () => {
  await removeAsAdmin([...made, `${run}-stage`, `${run}-preview-new`]);
}, 150_000);

describe('the deploy user’s namespace deletes, decided by the API server', () => {
  it('serves the policy as written, type-checked without warnings', async () => {
    const served = await eventually(
      'the policy to be type-checked',
      () => admin.json(['get', 'validatingadmissionpolicy', policy]),
      (object) => object.status?.observedGeneration === object.metadata.generation,
    );
    expect(served.status.typeChecking?.expressionWarnings ?? []).toEqual([]);
    // Nothing defaulted: another field manager's server-side apply of the same file then agrees with it.
    const written = parseAllDocuments(manifest)
      .map((document) => document.toJS())
      .find((object) => object.kind === 'ValidatingAdmissionPolicy');
    expect(served.spec).toEqual(written.spec);
  });

  it('refuses to delete a namespace named like prod, with the policy’s message, and the namespace stays', async () => {
    const stderr = await refusal(['delete', 'namespace', prodLike, '--wait=false']);
    expect(stderr).toContain(`Error from server (Forbidden): namespaces "${prodLike}" is forbidden`);
    expect(stderr).toContain(
      `${refusedBy}: ${serviceAccount} may delete only preview namespaces, those labelled ${PREVIEW}=true when they were created`,
    );
    expect(await isTerminating(prodLike)).toBe(false);
  });

  it('refuses to delete a namespace named like a preview but not labelled one at creation', async () => {
    const stderr = await refusal(['delete', 'namespace', handmade, '--wait=false']);
    expect(stderr).toContain(`${serviceAccount} may delete only preview namespaces`);
    expect(await isTerminating(handmade)).toBe(false);
  });

  it('refuses to label an existing namespace as a preview, by label, patch or apply', async () => {
    const message = `${refusedBy}: the label ${PREVIEW} is set when a preview namespace is created and never added`;
    const labelled = await refusal(['label', 'namespace', prodLike, `${PREVIEW}=true`]);
    expect(labelled).toContain(`Error from server (Forbidden): namespaces "${prodLike}" is forbidden`);
    expect(labelled).toContain(message);
    expect(
      await refusal([
        'patch',
        'namespace',
        handmade,
        '--type=merge',
        `--patch=${JSON.stringify({ metadata: { labels: { [PREVIEW]: 'true' } } })}`,
      ]),
    ).toContain(message);
    expect(
      await refusal(
        ['apply', '--server-side', '--field-manager=k8s-ship-test', '--filename=-'],
        namespaceManifest(prodLike, { [PREVIEW]: 'true' }),
      ),
    ).toContain(message);
    expect(await labelsOf(prodLike)).not.toHaveProperty(PREVIEW);
    expect(await labelsOf(handmade)).not.toHaveProperty(PREVIEW);
  });

  it('refuses to remove or change a preview’s label, and lets other labels change', async () => {
    const message = `the label ${PREVIEW} is set when a preview namespace is created`;
    expect(await refusal(['label', 'namespace', preview, `${PREVIEW}-`])).toContain(message);
    expect(await refusal(['label', 'namespace', preview, '--overwrite', `${PREVIEW}=false`])).toContain(
      message,
    );
    expect(await labelsOf(preview)).toMatchObject({ [PREVIEW]: 'true' });
    await deployer.kubectl(['label', 'namespace', prodLike, 'k8s-ship.io/test=other-labels-change']);
    expect(await labelsOf(prodLike)).toMatchObject({ 'k8s-ship.io/test': 'other-labels-change' });
  });

  it('refuses to create a namespace labelled as a preview unless it is named like one', async () => {
    const stage = `${run}-stage`;
    const stderr = await refusal(['apply', '--filename=-'], namespaceManifest(stage, { [PREVIEW]: 'true' }));
    expect(stderr).toContain(
      `${refusedBy}: a namespace labelled ${PREVIEW}=true is a preview's, named <prefix>preview-<branch>`,
    );
    const absent = await admin.kubectl(['get', 'namespace', stage, '--ignore-not-found', '--output=name']);
    expect(absent.stdout).toBe('');
  });

  it('deletes a preview’s namespace until it is gone, the one it made itself included', async () => {
    const created = `${run}-preview-new`;
    await deployer.kubectl(['apply', '--filename=-'], namespaceManifest(created, { [PREVIEW]: 'true' }));
    for (const name of [preview, created]) {
      const deleted = await deployer.kubectl(['delete', 'namespace', name, '--wait=true', '--timeout=120s']);
      expect(deleted.stdout).toContain(`namespace "${name}" deleted`);
      const gone = await admin.kubectl(['get', 'namespace', name, '--ignore-not-found', '--output=name']);
      expect(gone.stdout).toBe('');
    }
    expect(await isTerminating(prodLike)).toBe(false);
    expect(await isTerminating(handmade)).toBe(false);
  }, 300_000);
});
