import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../../../../runner/src/paths.js';
import { useSandbox } from '../../../../sandbox/src/testing.js';
import {
  type Kubectl,
  type KubectlClient,
  KubectlError,
  KubectlNotFoundError,
  localKubectl,
  sshKubectl,
} from '../../src/kubectl/index.js';
import type { SshConnection } from '../../src/ssh/index.js';
import { openSandboxSsh } from '../ssh/sandbox-ssh.js';
import { removeNamespace } from './namespaces.js';

// kubectl on the sandbox's SSH host (real sshd, real kubectl, KUBECONFIG set in the session) against the
// sandbox's Kubernetes cluster, over one SshConnection. Over SSH, kubectl is the deploy user's service
// account with the RBAC of ansible/roles/deploy_user; the cluster admin's kubeconfig, here, sets up and
// cleans up what the deploy user may not.
let connection: SshConnection;
let admin: KubectlClient;

beforeAll(async () => {
  const { ssh, kube } = await useSandbox(['ssh', 'kube']);
  admin = localKubectl({ kubeconfigPath: kube.kubeconfig });
  connection = await openSandboxSsh(ssh);
});

afterAll(() => connection?.close());

/** `kubectl <args> -o json`, parsed. */
async function readJson<T>(kubectl: Kubectl, args: readonly string[]): Promise<T> {
  return JSON.parse((await kubectl.run([...args, '-o', 'json'])).stdout) as T;
}

describe('kubectl over SSH on the sandbox', () => {
  it('reads JSON from the cluster', async () => {
    const namespaces = await readJson<{ items: { metadata: { name: string } }[] }>(sshKubectl(connection), [
      'get',
      'namespaces',
    ]);
    expect(namespaces.items.map((item) => item.metadata.name)).toContain('default');
  });

  it('returns kubectl errors with stderr and tells NotFound apart', async () => {
    const error = await sshKubectl(connection)
      .run(['get', 'deployment', 'does-not-exist', '--namespace', 'default'])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubectlError);
    expect((error as KubectlError).notFound).toBe(true);
  });

  it('says when kubectl is not at the given path on the node', async () => {
    const error = await sshKubectl(connection, { kubectlPath: '/nonexistent/kubectl' })
      .run(['version', '--client'])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubectlNotFoundError);
  });
});

describe('the deploy user’s least privilege, enforced by the API server', () => {
  const namespace = 'lib-kubectl-least-privilege';
  const roleDefaults = parse(
    readFileSync(join(repoRoot, 'ansible', 'roles', 'deploy_user', 'defaults', 'main.yml'), 'utf8'),
  ) as { deploy_user_service_account: string; deploy_user_namespace: string };
  const { deploy_user_namespace: saNamespace, deploy_user_service_account: saName } = roleDefaults;
  const user = `system:serviceaccount:${saNamespace}:${saName}`;

  /** What the API server answered kubectl over SSH, which must fail. */
  async function refused(args: string[]): Promise<KubectlError> {
    const error = await sshKubectl(connection)
      .run(args)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubectlError);
    return error as KubectlError;
  }

  beforeAll(async () => {
    await removeNamespace(admin, namespace);
    await admin.run(['create', 'namespace', namespace]);
    await admin.run([
      'create',
      'secret',
      'generic',
      'kept',
      '--namespace',
      namespace,
      '--from-literal=key=value',
    ]);
  });

  afterAll(async () => {
    await admin?.run(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
  });

  it('creates and reads what its role allows', async () => {
    const created = await sshKubectl(connection).run([
      'create',
      'configmap',
      'allowed',
      '--namespace',
      namespace,
      '--from-literal=key=value',
    ]);
    expect(created.stdout).toContain('configmap/allowed created');
    const read = await readJson<{ data: Record<string, string> }>(sshKubectl(connection), [
      'get',
      'configmap',
      'allowed',
      '--namespace',
      namespace,
    ]);
    expect(read.data).toEqual({ key: 'value' });
  });

  it('is refused deleting a namespace that is not a preview with Forbidden, and the namespace stays', async () => {
    const error = await refused(['delete', 'namespace', namespace, '--wait=false']);
    expect(error.notFound).toBe(false);
    expect(error.result.stderr).toContain('Error from server (Forbidden)');
    // RBAC lets the deployer delete namespaces; the role's admission policy lets only previews go.
    expect(error.result.stderr).toContain(`${saName} may delete only preview namespaces`);
    const still = await readJson<{ metadata: { deletionTimestamp?: string } }>(admin, [
      'get',
      'namespace',
      namespace,
    ]);
    expect(still.metadata.deletionTimestamp).toBeUndefined();
  });

  it('is refused reading Secrets with Forbidden, the one that exists included', async () => {
    const list = await refused(['get', 'secrets', '--namespace', namespace]);
    expect(list.result.stderr).toContain('Error from server (Forbidden)');
    expect(list.result.stderr).toContain(`User "${user}" cannot list resource "secrets"`);
    const one = await refused(['get', 'secret', 'kept', '--namespace', namespace, '-o', 'json']);
    expect(one.result.stderr).toContain(`User "${user}" cannot get resource "secrets"`);
    expect(one.result.stdout).not.toContain('dmFsdWU='); // base64 of the secret's value
  });
});
