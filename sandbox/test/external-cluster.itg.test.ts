import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubernetesVersion } from '../src/cluster/binaries.js';
import { CommandError, run } from '../src/exec.js';
import { repoRoot } from '../src/paths.js';
import type { SandboxEndpoints } from '../src/sandbox.js';
import { sshArgs, useSandbox } from '../src/testing.js';
import { clusterClient } from './cluster-client.js';

/*
 * Bring your own cluster: a second sandbox, in a state folder of its own, pointed with `--kubeconfig` at a
 * cluster it did not start. The cluster here is the sandbox's own, seen only through its admin kubeconfig,
 * as a kind or k3s cluster would be. The second sandbox builds and starts no Kubernetes, gives its SSH host
 * the deploy user's least privilege on that cluster, and `down` leaves the cluster running.
 */

const stateDir = mkdtempSync(join(tmpdir(), 'k8s-ship-byo-'));
const env = { ...process.env, SANDBOX_DIR: stateDir, KUBECONFIG: '' };

/** The sandbox's own CLI, as a user runs it, on the second state folder. */
function sandboxCli(args: readonly string[]) {
  return run('npx', ['tsx', join(repoRoot, 'sandbox', 'src', 'cli.ts'), ...args], {
    env,
    cwd: repoRoot,
    timeoutMs: 240_000,
  });
}

let adminKubeconfig: string;
let byo: SandboxEndpoints;

beforeAll(async () => {
  adminKubeconfig = (await useSandbox(['kube'])).kube.kubeconfig;
  byo = JSON.parse(
    (await sandboxCli(['up', 'ssh', 'kube', '--json', '--kubeconfig', adminKubeconfig])).stdout,
  ) as SandboxEndpoints;
}, 300_000);

afterAll(async () => {
  await sandboxCli(['down']).catch(() => undefined);
  rmSync(stateDir, { recursive: true, force: true });
}, 120_000);

describe('a sandbox on a cluster of your own (--kubeconfig)', () => {
  it('uses that cluster as it is: its kubeconfig, its version, nothing built or started', () => {
    expect(byo.kube).toMatchObject({
      external: true,
      kubeconfig: adminKubeconfig,
      version: kubernetesVersion(),
    });
    expect(byo.ssh).toBeDefined();
  });

  it('gives the SSH host the deploy user’s role on that cluster, and no more', async () => {
    const ssh = byo.ssh!;
    const allowed = await run(
      'ssh',
      sshArgs(ssh, 'kubectl auth can-i patch deployments --namespace default'),
    );
    expect(allowed.stdout.trim()).toBe('yes');
    const refused = await run('ssh', sshArgs(ssh, 'kubectl get secrets --namespace kube-system')).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(CommandError);
    expect((refused as CommandError).stderr).toContain(
      'User "system:serviceaccount:kube-system:k8s-ship-deployer" cannot list resource "secrets"',
    );
  });

  it('leaves the cluster running on down', async () => {
    await sandboxCli(['down']);
    const status = JSON.parse((await sandboxCli(['status', '--json'])).stdout) as {
      components: Record<string, string>;
    };
    expect(status.components.kube).toBe('down');
    const ready = await clusterClient(adminKubeconfig).kubectl(['get', '--raw', '/readyz']);
    expect(ready.stdout.trim()).toBe('ok');
  });
});
