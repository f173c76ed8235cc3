import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Connection, Server, utils } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useSandbox } from '../../../../sandbox/src/testing.js';
import { AbortedError } from '../../src/abortable.js';
import {
  HostKeyRefusedError,
  parseHostKeyPins,
  SshConnection,
  type SshConnectionOptions,
} from '../../src/ssh/index.js';
import { startStallRelay } from './stall-relay.js';

// A bastion in front of the sandbox's real sshd. The sandbox's sshd forwards to Prometheus only (as a node does),
// so the bastion is an SSH server of this test (ssh2's server): its own host key, public-key login for one
// key, and direct-tcpip to exactly the node's address. The node's key is still pinned end to end.
let scratch: string;
let bastion: Server;
let bastionPort: number;
let bastionKnownHosts: string;
const forwards: string[] = [];
/** Where the bastion forwards to: the node, and what a test adds. */
const allowedDestinations = new Set<string>();
let target: SshConnectionOptions;
const opened: SshConnection[] = [];

beforeAll(async () => {
  const { ssh } = await useSandbox(['ssh']);
  scratch = mkdtempSync(join(tmpdir(), 'k8s-ship-jump-test-'));
  const hostKeyFile = join(scratch, 'bastion_host_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'bastion', '-f', hostKeyFile]);
  const deployKey = readFileSync(ssh.privateKeyFile, 'utf8');
  const allowed = utils.parseKey(deployKey);
  if (allowed instanceof Error) throw allowed;
  allowedDestinations.add(`${ssh.host}:${ssh.port}`);

  bastion = new Server({ hostKeys: [readFileSync(hostKeyFile)] }, (client: Connection) => {
    client.on('authentication', (ctx) => {
      const matches =
        ctx.method === 'publickey' &&
        ctx.username === 'jumper' &&
        ctx.key.data.equals(allowed.getPublicSSH()) &&
        (!ctx.signature || allowed.verify(ctx.blob as Buffer, ctx.signature, ctx.hashAlgo) === true);
      if (matches) ctx.accept();
      else ctx.reject(['publickey']);
    });
    client.on('ready', () => {
      client.on('tcpip', (accept, reject, info) => {
        if (!allowedDestinations.has(`${info.destIP}:${info.destPort}`)) {
          reject();
          return;
        }
        forwards.push(`${info.destIP}:${info.destPort}`);
        const channel = accept();
        const upstream = connect(info.destPort, info.destIP);
        channel.pipe(upstream).pipe(channel);
        upstream.on('error', () => channel.close());
        channel.on('close', () => upstream.destroy());
      });
    });
    client.on('error', () => {});
  });
  await new Promise<void>((resolve) => bastion.listen(0, '127.0.0.1', resolve));
  bastionPort = (bastion.address() as { port: number }).port;
  const publicKey = readFileSync(`${hostKeyFile}.pub`, 'utf8').trim().split(/\s+/);
  bastionKnownHosts = `[127.0.0.1]:${bastionPort} ${publicKey[0]} ${publicKey[1]}`;
  target = {
    host: ssh.host,
    port: ssh.port,
    username: ssh.user,
    privateKey: deployKey,
    hostKeys: { pins: parseHostKeyPins(ssh.knownHostsLine) },
    connectAttempts: 1,
  };
});

afterAll(async () => {
  for (const connection of opened) connection.close();
  await new Promise<void>((resolve) => bastion?.close(() => resolve()));
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function jump(pins: string) {
  return {
    host: '127.0.0.1',
    port: bastionPort,
    username: 'jumper',
    privateKey: target.privateKey,
    hostKeys: { pins: parseHostKeyPins(pins) },
  };
}

describe('SshConnection through a jump host', () => {
  it('reaches the node through the bastion, both host keys pinned', async () => {
    const before = forwards.length;
    const connection = await SshConnection.open({ ...target, jump: jump(bastionKnownHosts) });
    opened.push(connection);
    const result = await connection.exec('echo through');
    expect(result.stdout).toBe('through\n');
    expect(forwards.length - before).toBe(1);
  });

  it('refuses a bastion whose host key is not pinned, naming the bastion and the key it saw', async () => {
    const before = forwards.length;
    const error = await SshConnection.open({ ...target, jump: jump(`SHA256:${'D'.repeat(43)}`) }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HostKeyRefusedError);
    expect((error as Error).message).toContain(`jumper@127.0.0.1:${bastionPort}`);
    expect(forwards.length).toBe(before);
  });

  it('pins the bastion by a hashed line for its own name, not by a line for the node’s', async () => {
    const file = join(scratch, 'bastion_known_hosts');
    writeFileSync(file, `${bastionKnownHosts}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const hashed = readFileSync(file, 'utf8').trim();
    const connection = await SshConnection.open({ ...target, jump: jump(hashed) });
    opened.push(connection);
    expect((await connection.exec('echo hashed')).stdout).toBe('hashed\n');

    const [, type, key] = bastionKnownHosts.split(' ');
    const forNode = `[${target.host}]:${target.port} ${type} ${key}`;
    const error = await SshConnection.open({ ...target, jump: jump(forNode) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyRefusedError);
    expect((error as Error).message).toContain(
      `jumper@127.0.0.1:${bastionPort} is pinned only for other host names`,
    );
  });

  it('still checks the node’s own key behind the bastion', async () => {
    const error = await SshConnection.open({
      ...target,
      hostKeys: { pins: parseHostKeyPins(`SHA256:${'E'.repeat(43)}`) },
      jump: jump(bastionKnownHosts),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyRefusedError);
    expect((error as Error).message).toContain(`${target.username}@${target.host}:${target.port}`);
  });

  it('cuts the connection at the deadline when the node behind the bastion never answers', async () => {
    // A node whose TCP port answers through the bastion and whose SSH never does.
    const silentNode = await startStallRelay();
    allowedDestinations.add(`127.0.0.1:${silentNode.port}`);
    try {
      const started = Date.now();
      const error = await SshConnection.open(
        {
          ...target,
          host: '127.0.0.1',
          port: silentNode.port,
          connectTimeoutMs: 20_000,
          connectAttempts: 3,
          jump: jump(bastionKnownHosts),
        },
        AbortSignal.timeout(2000),
      ).catch((e: unknown) => e);
      // A bound, not a benchmark: the deadline plus 1.5 s.
      expect(Date.now() - started).toBeLessThan(2000 + 1500);
      expect(error).toBeInstanceOf(AbortedError);
      expect((error as AbortedError).timedOut).toBe(true);
      expect(silentNode.accepted()).toBe(1);
      // The forwarded channel and the bastion's connection were dropped: the bastion lets go of the node.
      await expect.poll(() => silentNode.openClientLinks(), { timeout: 1500, interval: 50 }).toBe(0);
    } finally {
      await silentNode.close();
    }
  });
});
