// Must come before ssh2: see the file.
import './dirname-shim.js';
import type { Readable } from 'node:stream';
import { Client, utils } from 'ssh2';
import { HostKeyRefusedError, SshAuthenticationError } from './errors.js';
import { type HostKeyPolicy, type HostKeyVerdict, verifyHostKey } from './host-key.js';

/** One SSH server and how to log in to it. Secrets stay in memory: never on argv, in env or in state. */
export interface SshEndpoint {
  host: string;
  port: number;
  username: string;
  /** OpenSSH or PEM private key text. */
  privateKey: string;
  passphrase?: string;
  hostKeys: HostKeyPolicy;
}

export interface ConnectClientOptions {
  timeoutMs: number;
  keepaliveIntervalMs: number;
  /** A stream to speak SSH over instead of a new TCP connection: the jump host's forwarded channel. */
  sock?: Readable;
}

export const endpointName = (endpoint: Pick<SshEndpoint, 'host' | 'port' | 'username'>): string =>
  `${endpoint.username}@${endpoint.host}:${endpoint.port}`;

/** Throws an Error naming the problem (never the key) when the key cannot be read with this passphrase. */
export function checkPrivateKey(privateKey: string, passphrase: string | undefined): void {
  const parsed = utils.parseKey(privateKey, passphrase);
  if (parsed instanceof Error) {
    const hint = /passphrase|decrypt|bad/i.test(parsed.message) ? ' (wrong or missing passphrase?)' : '';
    throw new Error(`the private key could not be read: ${parsed.message}${hint}`);
  }
}

/**
 * Opens one authenticated SSH connection. The host key is checked in ssh2's hostVerifier against the key
 * the server really presented, before any authentication; a refused key ends the handshake.
 */
export function connectClient(
  endpoint: SshEndpoint,
  options: ConnectClientOptions,
): Promise<{ client: Client; verdict: HostKeyVerdict }> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let verdict: HostKeyVerdict | undefined;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      client.end();
      reject(error);
    };
    client.once('ready', () => {
      settled = true;
      resolve({ client, verdict: verdict as HostKeyVerdict });
    });
    client.on('error', (error: Error & { level?: string }) => {
      const name = endpointName(endpoint);
      if (verdict?.outcome === 'refused') {
        const pins = 'pins' in endpoint.hostKeys ? endpoint.hostKeys.pins : [];
        fail(new HostKeyRefusedError(name, verdict, pins));
      } else if (error.level === 'client-authentication')
        fail(new SshAuthenticationError(name, endpoint.username));
      else fail(error);
    });
    client.once('close', () => fail(new Error('the server closed the connection during the handshake')));
    try {
      client.connect({
        host: endpoint.host,
        port: endpoint.port,
        username: endpoint.username,
        privateKey: endpoint.privateKey,
        passphrase: endpoint.passphrase,
        sock: options.sock,
        readyTimeout: options.timeoutMs,
        keepaliveInterval: options.keepaliveIntervalMs,
        keepaliveCountMax: 3,
        // Only the key we were given: no agent, no passwords, no keyboard prompts.
        authHandler: ['publickey'],
        hostVerifier: (key: Buffer) => {
          verdict = verifyHostKey(endpoint.hostKeys, key, endpoint);
          return verdict.outcome !== 'refused';
        },
      });
    } catch (error) {
      fail(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

/** Opens a TCP channel from the jump host to the target: the target's SSH then runs inside it. */
export function forwardThrough(jump: Client, host: string, port: number): Promise<Readable> {
  return new Promise((resolve, reject) => {
    jump.forwardOut('127.0.0.1', 0, host, port, (error, channel) => {
      if (error)
        reject(new Error(`the jump host could not open a connection to ${host}:${port}: ${error.message}`));
      else resolve(channel);
    });
  });
}
