import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cutSshSessions } from '../../../../sandbox/src/sandbox.js';
import { useSandbox } from '../../../../sandbox/src/testing.js';
import {
  HostKeyRefusedError,
  parseHostKeyPins,
  SshAuthenticationError,
  SshConnectError,
  SshConnection,
  SshConnectionLostError,
  type SshConnectionOptions,
} from '../../src/ssh/index.js';

// The SSH connection against the sandbox's real sshd (through its gate, which can cut live connections).
let base: SshConnectionOptions;
let knownHostsLine: string;
let hostFingerprint: string;
let scratch: string;
const opened: SshConnection[] = [];

/** A fresh ed25519 key pair that no server knows. */
function newKey(name: string): { privateKey: string; publicLine: string } {
  const file = join(scratch, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', file]);
  return { privateKey: readFileSync(file, 'utf8'), publicLine: readFileSync(`${file}.pub`, 'utf8').trim() };
}

async function open(overrides: Partial<SshConnectionOptions> = {}): Promise<SshConnection> {
  const connection = await SshConnection.open({ ...base, ...overrides });
  opened.push(connection);
  return connection;
}

beforeAll(async () => {
  const { ssh } = await useSandbox(['ssh']);
  knownHostsLine = ssh.knownHostsLine;
  scratch = mkdtempSync(join(tmpdir(), 'k8s-ship-ssh-test-'));
  hostFingerprint = ssh.hostKeyFingerprint;
  base = {
    host: ssh.host,
    port: ssh.port,
    username: ssh.user,
    privateKey: readFileSync(ssh.privateKeyFile, 'utf8'),
    hostKeys: { pins: parseHostKeyPins(ssh.knownHostsLine) },
    connectTimeoutMs: 10_000,
    connectAttempts: 2,
    retryBaseMs: 50,
  };
});

afterAll(() => {
  for (const connection of opened) connection.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('SshConnection on the sandbox sshd', () => {
  it('runs commands with the pinned known_hosts line and returns exit code, stdout and stderr', async () => {
    const connection = await open();
    const result = await connection.exec('echo out; echo err >&2; exit 3');
    expect(result).toEqual({ exitCode: 3, stdout: 'out\n', stderr: 'err\n', aborted: false });
  });

  it('reuses one connection for every command', async () => {
    const connection = await open();
    const first = await connection.exec('echo "$SSH_CLIENT"');
    const second = await connection.exec('echo "$SSH_CLIENT"');
    expect(first.stdout.trim()).toMatch(/^127\.0\.0\.1 \d+ \d+$/);
    expect(second.stdout).toBe(first.stdout);
  });

  it('hands stdin to the command', async () => {
    const connection = await open();
    const result = await connection.exec('wc -c', { stdin: 'twelve bytes' });
    expect(result.stdout.trim()).toBe('12');
  });

  it('accepts the host key by fingerprint, among several pins (rotation)', async () => {
    const other = newKey('other-host-key');
    const pins = parseHostKeyPins(`${other.publicLine}\n${hostFingerprint}`);
    const connection = await open({ hostKeys: { pins } });
    expect((await connection.exec('true')).exitCode).toBe(0);
  });

  it('refuses a changed host key and names the fingerprint it saw', async () => {
    const other = newKey('changed-host-key');
    const error = await open({
      hostKeys: { pins: parseHostKeyPins(`[${base.host}]:${base.port} ${other.publicLine}`) },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyRefusedError);
    expect((error as Error).message).toContain(hostFingerprint);
    expect((error as Error).message).toContain('is not pinned');
  });

  it('refuses the right key on a known_hosts line for another host name, naming the host and the line', async () => {
    const [, type, key] = knownHostsLine.split(' ');
    const otherName = `node-b.example.com,[${base.host}]:22 ${type} ${key}`;
    const error = await open({ hostKeys: { pins: parseHostKeyPins(otherName) } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyRefusedError);
    expect((error as HostKeyRefusedError).reason).toBe('other-host');
    const message = (error as Error).message;
    expect(message).toContain(
      `is pinned only for other host names: the server presented ${type} key ${hostFingerprint}`,
    );
    expect(message).toContain(`known_hosts line 1 has it for 'node-b.example.com,[${base.host}]:22'`);
    expect(message).toContain(`none for '[${base.host}]:${base.port}'`);
  });

  it('accepts a line hashed by ssh-keygen -H for this host and port, and refuses one for another port', async () => {
    const file = join(scratch, 'known_hosts');
    writeFileSync(
      file,
      `${knownHostsLine}\n${knownHostsLine.replace(`]:${base.port} `, `]:${base.port + 1} `)}\n`,
    );
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const [right, otherPort] = readFileSync(file, 'utf8').trim().split('\n') as [string, string];
    expect(right).toMatch(/^\|1\|/);
    const connection = await open({ hostKeys: { pins: parseHostKeyPins(right) } });
    expect((await connection.exec('echo hashed')).stdout).toBe('hashed\n');
    const error = await open({ hostKeys: { pins: parseHostKeyPins(otherPort) } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyRefusedError);
    expect((error as Error).message).toContain('has it for a hashed name (|1|');
  });

  it('refuses a pinned key that an @revoked line for this host names', async () => {
    const [, type, key] = knownHostsLine.split(' ');
    const pins = parseHostKeyPins(`@revoked [${base.host}]:* ${type} ${key}\n${hostFingerprint}`);
    const error = await open({ hostKeys: { pins } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyRefusedError);
    expect((error as Error).message).toContain('is revoked');
  });

  it('refuses an unknown host when nothing is pinned', async () => {
    const error = await open({ hostKeys: { pins: [] } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyRefusedError);
    expect((error as HostKeyRefusedError).fingerprint).toBe(hostFingerprint);
  });

  it('connects with explicit trust on first use, then pins that key for reconnects', async () => {
    const connection = await open({ hostKeys: { trustOnFirstUse: true } });
    expect((await connection.exec('echo ok')).stdout).toBe('ok\n');
  });

  it('says clearly that the server refused a wrong user key', async () => {
    const stranger = newKey('not-authorized');
    const error = await open({ privateKey: stranger.privateKey }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshAuthenticationError);
    expect((error as Error).message).toContain(`refused the private key for user '${base.username}'`);
  });

  it('gives up on a port where nothing listens after the connection attempts', async () => {
    const error = await open({ port: 1, connectAttempts: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshConnectError);
    expect((error as Error).message).toMatch(/after 2 attempt\(s\): .*ECONNREFUSED/);
  });

  it('re-runs a read-only command on a new connection when the link is cut under it', async () => {
    const connection = await open();
    const reruns: number[] = [];
    let cut = false;
    const result = await connection.exec('echo started; sleep 2; echo finished', {
      safeToRerun: true,
      onRerun: (attempt) => reruns.push(attempt),
      onStdout: (chunk) => {
        if (!cut && chunk.includes('started')) {
          cut = true;
          void cutSshSessions();
        }
      },
    });
    expect(reruns).toEqual([1]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('started\nfinished\n');
  });

  it('never re-runs a command that may change something, and says so', async () => {
    const connection = await open();
    let cut = false;
    const error = await connection
      .exec('echo started; sleep 2; echo finished', {
        onStdout: () => {
          if (!cut) {
            cut = true;
            void cutSshSessions();
          }
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SshConnectionLostError);
    expect((error as Error).message).toContain('it was not re-run');
    // The connection itself recovers for the next command.
    expect((await connection.exec('echo again')).stdout).toBe('again\n');
  });

  it('stops a running command when the caller aborts', async () => {
    const connection = await open();
    const controller = new AbortController();
    const result = await connection.exec('echo started; exec sleep 31.5', {
      signal: controller.signal,
      onStdout: () => controller.abort(),
    });
    expect(result.aborted).toBe(true);
    expect(result.stdout).toBe('started\n');
    // The remote command got the signal: it is gone (only our own user's processes are looked at).
    let left = 'unknown';
    for (let i = 0; i < 30 && left !== ''; i++) {
      left = (await connection.exec('pgrep -u "$(id -u)" -f "^sleep 31.5$" || true')).stdout.trim();
      if (left !== '') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(left).toBe('');
  });
});
