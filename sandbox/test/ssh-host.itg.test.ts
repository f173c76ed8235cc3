import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandError, run } from '../src/exec.js';
import { cutSshSessions, type SandboxEndpoints } from '../src/sandbox.js';
import { sshArgs, useSandbox } from '../src/testing.js';

let ssh: NonNullable<SandboxEndpoints['ssh']>;
let scratch: string;
let pinnedKnownHosts: string;

beforeAll(async () => {
  ({ ssh } = await useSandbox(['ssh']));
  scratch = mkdtempSync(join(tmpdir(), 'ssh-host-test-'));
  // Only the published line: the client trusts exactly what the sandbox announced.
  pinnedKnownHosts = join(scratch, 'known_hosts');
  writeFileSync(pinnedKnownHosts, `${ssh.knownHostsLine}\n`);
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function sshFails(args: string[]): Promise<CommandError> {
  const error = await run('ssh', args).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CommandError);
  return error as CommandError;
}

describe('the sandbox SSH host', () => {
  it('runs the real kubectl for the deploy key with the published host key pinned', async () => {
    const { stdout } = await run(
      'ssh',
      sshArgs(ssh, 'kubectl version --client; echo "user=$(id -un) kubeconfig=$KUBECONFIG"', {
        knownHostsFile: pinnedKnownHosts,
      }),
    );
    expect(stdout).toMatch(/Client Version: v1\.\d+/);
    expect(stdout).toContain(`user=${ssh.user} kubeconfig=${ssh.kubeconfig}`);
  });

  it('publishes the fingerprint of the host key it pins', async () => {
    const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', pinnedKnownHosts]);
    expect(stdout).toContain(ssh.hostKeyFingerprint);
    expect(ssh.knownHostsLine).toMatch(new RegExp(`^\\[127\\.0\\.0\\.1\\]:${ssh.port} ssh-ed25519 \\S+$`));
  });

  it('keeps the deploy key readable by its owner only', () => {
    expect(statSync(ssh.privateKeyFile).mode & 0o777).toBe(0o600);
  });

  it('refuses a key that is not authorized', async () => {
    const stranger = join(scratch, 'stranger_key');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
    const error = await sshFails(sshArgs(ssh, 'true', { privateKeyFile: stranger }));
    expect(error.exitCode).toBe(255);
    expect(error.stderr).toContain('Permission denied (publickey)');
  });

  it('is refused by a client that pinned another host key', async () => {
    const impostor = join(scratch, 'impostor_host_key');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', impostor]);
    const [type, key] = readFileSync(`${impostor}.pub`, 'utf8').split(' ');
    const wrongKnownHosts = join(scratch, 'wrong_known_hosts');
    writeFileSync(wrongKnownHosts, `[${ssh.host}]:${ssh.port} ${type} ${key}\n`);
    const error = await sshFails(sshArgs(ssh, 'true', { knownHostsFile: wrongKnownHosts }));
    expect(error.exitCode).toBe(255);
    expect(error.stderr).toContain('REMOTE HOST IDENTIFICATION HAS CHANGED');
  });

  it('cuts a live session on command, and takes new sessions right after', async () => {
    // The remote loop ends by itself on the broken pipe after the cut, or after 60 s at most.
    const session = spawn(
      'ssh',
      sshArgs(ssh, 'for i in $(seq 1 300); do echo tick || exit 0; sleep 0.2; done', {
        knownHostsFile: pinnedKnownHosts,
      }),
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => session.once('exit', (code) => resolve(code)));
    await new Promise((resolve) => session.stdout.once('data', resolve));

    expect(await cutSshSessions()).toBeGreaterThanOrEqual(1);
    expect(await exited).toBe(255);

    const { stdout } = await run('ssh', sshArgs(ssh, 'echo back', { knownHostsFile: pinnedKnownHosts }));
    expect(stdout.trim()).toBe('back');
  });
});
