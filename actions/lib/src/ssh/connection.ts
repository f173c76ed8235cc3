import type { Client, ClientChannel } from 'ssh2';
import { debug, info, warning } from '../log.js';
import { retry } from '../retry.js';
import {
  checkPrivateKey,
  connectClient,
  endpointName,
  forwardThrough,
  type SshEndpoint,
} from './connect-client.js';
import {
  HostKeyRefusedError,
  SshAuthenticationError,
  SshConnectError,
  SshConnectionLostError,
} from './errors.js';
import { type HostKeyPolicy, type HostKeyVerdict, knownHostsLine } from './host-key.js';
import type { RemoteExecOptions, RemoteExecResult, RemoteShell } from './remote-shell.js';

export interface SshConnectionOptions extends SshEndpoint {
  /** A bastion to go through, with its own login and its own pinned host key. */
  jump?: SshEndpoint;
  /** Per attempt, for TCP connect + handshake + authentication. Default 20 s. */
  connectTimeoutMs?: number;
  /** Attempts of the connection phase (never of a command). Default 3. */
  connectAttempts?: number;
  /** First delay between connection attempts; doubles each time. Default 1 s. */
  retryBaseMs?: number;
  /** SSH keepalives make a silently dead link show up within ~3 intervals. Default 5 s. */
  keepaliveIntervalMs?: number;
  /** How often a command marked safe to re-run is started again after drops. Default 3. */
  maxReruns?: number;
}

interface Live {
  client: Client;
  jumpClient?: Client;
  closed: boolean;
  /** Why it closed, for messages: the client's last error. */
  reason?: string;
}

/** The connection closed before the command's channel opened: the command never started. */
class NotStartedError extends Error {}
/** The connection closed while the command ran, before it reported an exit status. */
class DroppedError extends Error {}

/**
 * One SSH connection per action run, reused for every command and re-opened when it drops. Implements
 * RemoteShell: commands get exit codes and stderr back. A command that started is re-run after a drop
 * only when the caller marked it safe to re-run; one that never started is simply started on the new
 * connection.
 */
export class SshConnection implements RemoteShell {
  readonly target: string;
  private live?: Live;
  private connecting?: Promise<Live>;
  private hostKeys: HostKeyPolicy;
  private jumpHostKeys?: HostKeyPolicy;
  private closedByUs = false;

  private constructor(private readonly options: SshConnectionOptions) {
    this.target = endpointName(options);
    this.hostKeys = options.hostKeys;
    this.jumpHostKeys = options.jump?.hostKeys;
  }

  /** Checks the keys, then connects (with retries for the connection phase). */
  static async open(options: SshConnectionOptions): Promise<SshConnection> {
    checkPrivateKey(options.privateKey, options.passphrase);
    if (options.jump) checkPrivateKey(options.jump.privateKey, options.jump.passphrase);
    const connection = new SshConnection(options);
    await connection.connected();
    return connection;
  }

  async exec(command: string, options: RemoteExecOptions = {}): Promise<RemoteExecResult> {
    const maxReruns = this.options.maxReruns ?? 3;
    for (let reruns = 0, notStarted = 0; ; ) {
      const live = await this.connected();
      try {
        return await this.execOn(live, command, options);
      } catch (error) {
        // The command never reached the server: starting it on a new connection is always safe.
        if (error instanceof NotStartedError && ++notStarted <= maxReruns) {
          debug(`ssh: connection gone before the command started (${error.message}); reconnecting`);
          continue;
        }
        if (error instanceof NotStartedError) {
          throw new SshConnectError(this.target, notStarted, error);
        }
        if (!(error instanceof DroppedError)) throw error;
        if (!options.safeToRerun) throw new SshConnectionLostError(this.target, command, error.message);
        if (reruns >= maxReruns) {
          throw new SshConnectionLostError(
            this.target,
            command,
            `${error.message}; gave up after ${reruns} re-runs`,
          );
        }
        reruns++;
        warning(
          `SSH connection to ${this.target} dropped (${error.message}); reconnecting to run a read-only command again`,
        );
        options.onRerun?.(reruns, error);
      }
    }
  }

  /** Ends the connection (and the jump host's). Further exec calls fail. */
  close(): void {
    this.closedByUs = true;
    this.live?.client.end();
    this.live?.jumpClient?.end();
    this.live = undefined;
  }

  private connected(): Promise<Live> {
    if (this.closedByUs) return Promise.reject(new Error(`the SSH connection to ${this.target} was closed`));
    if (this.live && !this.live.closed) return Promise.resolve(this.live);
    this.connecting ??= this.connectWithRetries().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connectWithRetries(): Promise<Live> {
    const attempts = this.options.connectAttempts ?? 3;
    try {
      const live = await retry(() => this.connectOnce(), {
        attempts,
        baseMs: this.options.retryBaseMs ?? 1000,
        maxMs: 10_000,
        // A refused host key or user key will be refused again: fail at once with the clear error.
        isRetryable: (error) =>
          !(error instanceof HostKeyRefusedError || error instanceof SshAuthenticationError),
        onRetry: (error, attempt, delayMs) =>
          warning(
            `SSH connection to ${this.target} failed (attempt ${attempt}/${attempts}): ${errorText(error)}; retrying in ${delayMs} ms`,
          ),
      });
      this.live = live;
      return live;
    } catch (error) {
      if (error instanceof HostKeyRefusedError || error instanceof SshAuthenticationError) throw error;
      throw new SshConnectError(this.target, attempts, error);
    }
  }

  private async connectOnce(): Promise<Live> {
    const timeoutMs = this.options.connectTimeoutMs ?? 20_000;
    const keepaliveIntervalMs = this.options.keepaliveIntervalMs ?? 5000;
    let jumpClient: Client | undefined;
    let sock: Awaited<ReturnType<typeof forwardThrough>> | undefined;
    const { jump } = this.options;
    if (jump && this.jumpHostKeys) {
      const opened = await connectClient(
        { ...jump, hostKeys: this.jumpHostKeys },
        { timeoutMs, keepaliveIntervalMs },
      );
      jumpClient = opened.client;
      this.jumpHostKeys = this.accept(opened.verdict, jump, this.jumpHostKeys);
      try {
        sock = await forwardThrough(jumpClient, this.options.host, this.options.port);
      } catch (error) {
        jumpClient.end();
        throw error;
      }
    }
    try {
      const { client, verdict } = await connectClient(
        { ...this.options, hostKeys: this.hostKeys },
        { timeoutMs, keepaliveIntervalMs, sock },
      );
      this.hostKeys = this.accept(verdict, this.options, this.hostKeys);
      const live: Live = { client, jumpClient, closed: false };
      const onGone = (reason: string) => {
        live.closed = true;
        live.reason ??= reason;
      };
      client.on('error', (error: Error) => onGone(error.message));
      client.on('close', () => onGone('connection closed'));
      jumpClient?.on('error', (error: Error) => onGone(`jump host: ${error.message}`));
      jumpClient?.on('close', () => {
        onGone('jump host connection closed');
        client.end();
      });
      info(`SSH: connected to ${this.target}${jump ? ` through ${endpointName(jump)}` : ''}`);
      return live;
    } catch (error) {
      jumpClient?.end();
      throw error;
    }
  }

  /** Logs how the host key was accepted; after trust on first use, later reconnects pin that same key. */
  private accept(verdict: HostKeyVerdict, endpoint: SshEndpoint, policy: HostKeyPolicy): HostKeyPolicy {
    const name = endpointName(endpoint);
    if (verdict.outcome === 'pinned') {
      debug(`ssh: host key of ${name} ${verdict.fingerprint} matches the pin (${verdict.pin.source})`);
      return policy;
    }
    warning(
      `Trusting the SSH host key of ${name} on first use (insecure-trust-on-first-use): ${verdict.keyType ?? ''} ` +
        `${verdict.fingerprint}. Check it out of band, then pin it with the host-key input to stop trusting ` +
        `blindly: ${knownHostsLine(endpoint.host, endpoint.port, verdict.key)}`,
    );
    return { pins: [{ fingerprint: verdict.fingerprint, keyType: verdict.keyType, source: 'first use' }] };
  }

  private execOn(live: Live, command: string, options: RemoteExecOptions): Promise<RemoteExecResult> {
    return new Promise((resolve, reject) => {
      if (live.closed) {
        reject(new NotStartedError(live.reason ?? 'connection closed'));
        return;
      }
      if (options.signal?.aborted) {
        resolve({ exitCode: 130, stdout: '', stderr: '', aborted: true });
        return;
      }
      debug(`ssh ${this.target}: ${command}`);
      let channel: ClientChannel | undefined;
      let stdout = '';
      let stderr = '';
      let exitCode: number | undefined;
      let aborted = false;
      let done = false;
      const finish = (outcome: () => void) => {
        if (done) return;
        done = true;
        live.client.off('close', onConnectionClose);
        options.signal?.removeEventListener('abort', onAbort);
        outcome();
      };
      const onConnectionClose = () => {
        finish(() =>
          channel
            ? aborted
              ? resolve({ exitCode: 130, stdout, stderr, aborted })
              : reject(new DroppedError(live.reason ?? 'connection closed'))
            : reject(new NotStartedError(live.reason ?? 'connection closed')),
        );
      };
      const onAbort = () => {
        aborted = true;
        // OpenSSH delivers the signal to the command (kubectl runs under `exec`, so it is the one that gets
        // it); closing the channel makes any later write of the command fail. Nobody waits for the server.
        channel?.signal('TERM');
        channel?.close();
        if (channel) finish(() => resolve({ exitCode: 130, stdout, stderr, aborted }));
      };
      live.client.on('close', onConnectionClose);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        live.client.exec(command, (error, opened) => {
          if (error) {
            finish(() => (live.closed ? reject(new NotStartedError(error.message)) : reject(error)));
            return;
          }
          channel = opened;
          opened.setEncoding('utf8');
          opened.stderr.setEncoding('utf8');
          opened.on('data', (chunk: string) => {
            stdout += chunk;
            options.onStdout?.(chunk);
          });
          opened.stderr.on('data', (chunk: string) => {
            stderr += chunk;
            options.onStderr?.(chunk);
          });
          opened.on('exit', (code: number | null, signalName?: string) => {
            exitCode = code ?? (signalName ? 128 + signalNumber(signalName) : 1);
          });
          opened.on('close', () => {
            if (exitCode !== undefined)
              finish(() => resolve({ exitCode: exitCode as number, stdout, stderr, aborted }));
            else if (aborted) finish(() => resolve({ exitCode: 130, stdout, stderr, aborted }));
            else
              finish(() =>
                reject(new DroppedError(live.reason ?? 'the channel closed without an exit status')),
              );
          });
          // ssh2 sends a signal only on a channel still open for writing: an abortable command without
          // stdin keeps it open (kubectl watches never read it); everything else gets EOF right away.
          if (options.stdin !== undefined || !options.signal) opened.end(options.stdin);
          if (options.signal?.aborted) onAbort();
        });
      } catch (error) {
        // ssh2 throws synchronously when the connection is already gone: the command never started.
        finish(() => reject(new NotStartedError(errorText(error))));
      }
    });
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function signalNumber(name: string): number {
  const numbers: Record<string, number> = { HUP: 1, INT: 2, KILL: 9, PIPE: 13, TERM: 15 };
  return numbers[name.replace(/^SIG/, '')] ?? 0;
}
