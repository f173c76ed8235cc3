import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cutSshSessions } from '../../../../sandbox/src/sandbox.js';
import { useSandbox } from '../../../../sandbox/src/testing.js';
import { KubectlError, KubectlNotFoundError, sshKubectl } from '../../src/kubectl/index.js';
import { parseHostKeyPins, SshConnection } from '../../src/ssh/index.js';

// kubectl on the sandbox's SSH host (real sshd, real kubectl, KUBECONFIG set in the session) against the
// Kubernetes API stand-in, over one SshConnection.
let connection: SshConnection;

beforeAll(async () => {
  const { ssh } = await useSandbox(['ssh', 'kube']);
  connection = await SshConnection.open({
    host: ssh.host,
    port: ssh.port,
    username: ssh.user,
    privateKey: readFileSync(ssh.privateKeyFile, 'utf8'),
    hostKeys: { pins: parseHostKeyPins(ssh.knownHostsLine) },
    connectAttempts: 2,
    retryBaseMs: 50,
  });
});

afterAll(() => connection?.close());

describe('kubectl over SSH on the sandbox', () => {
  it('reads JSON from the cluster', async () => {
    const namespaces = await sshKubectl(connection).json<{ items: { metadata: { name: string } }[] }>([
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

  it('keeps a read-only watch going across a cut SSH link, then stops it on abort', async () => {
    const controller = new AbortController();
    const lines: string[] = [];
    const restarts: number[] = [];
    let cut = false;
    const end = await sshKubectl(connection).stream(
      ['get', 'namespaces', '--watch', '--output', 'name'],
      (line) => {
        lines.push(line);
        if (!cut) {
          cut = true;
          void cutSshSessions();
        } else if (restarts.length > 0) controller.abort();
      },
      { readOnly: true, signal: controller.signal, onRestart: (attempt) => restarts.push(attempt) },
    );
    expect(restarts).toEqual([1]);
    expect(end.aborted).toBe(true);
    expect(lines.filter((line) => line === 'namespace/default').length).toBeGreaterThanOrEqual(2);
  });
});
