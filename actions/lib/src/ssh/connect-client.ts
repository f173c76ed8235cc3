// Must come before ssh2: see the file.
import './dirname-shim.js';
import { connect as tcpConnect } from 'node:net';
import type { Duplex, Readable } from 'node:stream';
import { Client, utils } from 'ssh2';
import { abortedError } from '../abortable.js';
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
  sock?: Duplex;
  /** Cuts the attempt at once (the socket is destroyed) and rejects with AbortedError. */
  signal?: AbortSignal;
}

export interface OpenedClient {
  client: Client;
  verdict: HostKeyVerdict;
  /**
   * The stream under the client. Destroying it drops the connection at once, where `client.end()` waits for
   * a peer that may never answer.
   */
  socket: Duplex;
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
 * the server really presented, before any authentication; a refused key ends the handshake. The TCP
 * socket is ours (not ssh2's) so that it can be destroyed whatever state the handshake is in.
 */
export function connectClient(endpoint: SshEndpoint, options: ConnectClientOptions): Promise<OpenedClient> {
  return new Promise((resolve, reject) => {
    const { signal } = options;
    const name = endpointName(endpoint);
    if (signal?.aborted) {
      reject(abortedError(signal, `connecting to ${name}`));
      return;
    }
    const socket: Duplex = options.sock ?? tcpConnect({ host: endpoint.host, port: endpoint.port });
    const client = new Client();
    let verdict: HostKeyVerdict | undefined;
    let settled = false;
    const onAbort = () => fail(abortedError(signal as AbortSignal, `connecting to ${name}`));
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      // Nothing more to say to this server: no goodbye that a silent peer would leave unanswered.
      socket.destroy();
      reject(error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    client.once('ready', () => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      resolve({ client, verdict: verdict as HostKeyVerdict, socket });
    });
    client.on('error', (error: Error & { level?: string }) => {
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
        sock: socket as Readable,
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
export function forwardThrough(jump: Client, host: string, port: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    jump.forwardOut('127.0.0.1', 0, host, port, (error, channel) => {
      if (error)
        reject(new Error(`the jump host could not open a connection to ${host}:${port}: ${error.message}`));
      else resolve(channel);
    });
  });
}
