import type { Duplex } from 'node:stream';
import type { Client, ClientChannel } from 'ssh2';
import { AbortedError, anySignal, raceAbort, sleepUnlessAborted, throwIfAborted } from '../abortable.js';
import { debug, info, warning } from '../log.js';
import type { ExecOptions, ExecResult } from '../process/transport.js';
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
import type { RemoteShell } from './remote-shell.js';

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
  /** The streams under the clients: destroyed, they drop the connection without waiting for the peer. */
  sockets: Duplex[];
  closed: boolean;
  /** Why it closed, for messages: the client's last error. */
  reason?: string;
}

/**
 * How long an aborted command's channel may take to confirm that it closed. A server that does not answer
 * by then is taken for a stalled link: the connection is destroyed (the next command reconnects).
 */
const ABORT_ANSWER_MS = 1000;
/** How long `close()` waits for the server to see the goodbye before it destroys the connection. */
const CLOSE_GRACE_MS = 1000;

/** The connection closed before the command's channel opened: the command never started. */
class NotStartedError extends Error {}
/** The connection closed while the command ran, before it reported an exit status. */
class DroppedError extends Error {}

/**
 * One SSH connection per action run, reused for every command and re-opened when it drops. Implements
 * RemoteShell: commands get exit codes and stderr back. A command that started is re-run after a drop
 * only when the caller marked it safe to re-run; one that never started is simply started on the new
 * connection.
 *
 * Every call takes an AbortSignal (a deadline): no connection attempt starts after it fired, the attempt
 * in progress is cut, and a command whose link stalled returns at once (the connection is destroyed).
 */
export class SshConnection implements RemoteShell {
  readonly target: string;
  private live?: Live;
  private connecting?: Promise<Live>;
  private hostKeys: HostKeyPolicy;
  private jumpHostKeys?: HostKeyPolicy;
  private closedByUs = false;
  /** Fires on `close()`: cuts a connection attempt in progress. */
  private readonly closing = new AbortController();

  private constructor(private readonly options: SshConnectionOptions) {
    this.target = endpointName(options);
    this.hostKeys = options.hostKeys;
    this.jumpHostKeys = options.jump?.hostKeys;
  }

  /**
   * Checks the keys, then connects (with retries for the connection phase). When `signal` fires first,
   * rejects with AbortedError and leaves nothing open.
   */
  static async open(options: SshConnectionOptions, signal?: AbortSignal): Promise<SshConnection> {
    checkPrivateKey(options.privateKey, options.passphrase);
    if (options.jump) checkPrivateKey(options.jump.privateKey, options.jump.passphrase);
    const connection = new SshConnection(options);
    try {
      await connection.connected(signal);
    } catch (error) {
      await connection.close();
      throw error;
    }
    return connection;
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const maxReruns = this.options.maxReruns ?? 3;
    const { signal } = options;
    for (let reruns = 0, notStarted = 0; ; ) {
      let live: Live;
      try {
        live = await this.connected(signal);
      } catch (error) {
        // Stopped while (re)connecting: the command did not run (again).
        if (error instanceof AbortedError && signal?.aborted)
          return { exitCode: 130, stdout: '', stderr: '', aborted: true };
        throw error;
      }
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

  /**
   * A TCP connection from the host to `host:port` (as the host sees it), carried inside this SSH
   * connection: what `ssh -L` forwards. The server's sshd decides which destinations it permits.
   */
  async openChannel(host: string, port: number, signal?: AbortSignal): Promise<Duplex> {
    const live = await this.connected(signal);
    return new Promise((resolve, reject) => {
      live.client.forwardOut('127.0.0.1', 0, host, port, (error, channel) => {
        if (error)
          reject(
            new Error(`${this.target} refused a forwarded connection to ${host}:${port}: ${error.message}`),
          );
        else resolve(channel);
      });
    });
  }

  /**
   * Ends the connection (and the jump host's) and cuts a connection attempt in progress; further exec
   * calls fail. Resolves once the sockets are closed: at most CLOSE_GRACE_MS later, when the server does not
   * answer the goodbye (a stalled link), they are destroyed.
   */
  close(): Promise<void> {
    this.closedByUs = true;
    this.closing.abort(new Error(`the SSH connection to ${this.target} was closed`));
    const live = this.live;
    this.live = undefined;
    if (!live) return Promise.resolve();
    if (live.closed) {
      destroyLive(live);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const closed = () => {
        clearTimeout(timer);
        destroyLive(live);
        resolve();
      };
      const timer = setTimeout(closed, CLOSE_GRACE_MS);
      live.client.once('close', closed);
      live.client.end();
      live.jumpClient?.end();
    });
  }

  /** The live connection, or a new one; rejects with AbortedError once `signal` fires. */
  private async connected(signal?: AbortSignal): Promise<Live> {
    for (;;) {
      throwIfAborted(signal, `connecting to ${this.target}`);
      if (this.closedByUs) throw new Error(`the SSH connection to ${this.target} was closed`);
      if (this.live && !this.live.closed) return this.live;
      // One attempt for all callers, cut by the signal of the caller that started it; the others wait with
      // their own signal, and start again if that caller's signal cut it.
      this.connecting ??= this.connectWithRetries(signal).finally(() => {
        this.connecting = undefined;
      });
      try {
        return await raceAbort(this.connecting, signal, `connecting to ${this.target}`);
      } catch (error) {
        if (error instanceof AbortedError && !signal?.aborted && !this.closedByUs) continue;
        throw error;
      }
    }
  }

  private async connectWithRetries(callerSignal?: AbortSignal): Promise<Live> {
    const attempts = this.options.connectAttempts ?? 3;
    const signal = anySignal(callerSignal, this.closing.signal);
    try {
      const live = await retry(() => this.connectOnce(signal), {
        attempts,
        baseMs: this.options.retryBaseMs ?? 1000,
        maxMs: 10_000,
        // A refused host key or user key will be refused again: fail at once with the clear error. After
        // the signal fired no attempt starts.
        isRetryable: (error) =>
          !(
            error instanceof HostKeyRefusedError ||
            error instanceof SshAuthenticationError ||
            error instanceof AbortedError ||
            signal?.aborted
          ),
        onRetry: (error, attempt, delayMs) =>
          warning(
            `SSH connection to ${this.target} failed (attempt ${attempt}/${attempts}): ${errorText(error)}; retrying in ${delayMs} ms`,
          ),
        sleep: (ms) => sleepUnlessAborted(ms, signal, `connecting to ${this.target}`),
      });
      if (this.closedByUs) {
        destroyLive(live);
        throw new Error(`the SSH connection to ${this.target} was closed`);
      }
      this.live = live;
      return live;
    } catch (error) {
      if (
        error instanceof HostKeyRefusedError ||
        error instanceof SshAuthenticationError ||
        error instanceof AbortedError
      )
        throw error;
      if (signal?.aborted) throw new AbortedError(`connecting to ${this.target}`, signal.reason);
      throw new SshConnectError(this.target, attempts, error);
    }
  }

  private async connectOnce(signal?: AbortSignal): Promise<Live> {
    throwIfAborted(signal, `connecting to ${this.target}`);
    const timeoutMs = this.options.connectTimeoutMs ?? 20_000;
    const keepaliveIntervalMs = this.options.keepaliveIntervalMs ?? 5000;
    let jumpClient: Client | undefined;
    let jumpSocket: Duplex | undefined;
    let sock: Duplex | undefined;
    const { jump } = this.options;
    if (jump && this.jumpHostKeys) {
      const opened = await connectClient(
        { ...jump, hostKeys: this.jumpHostKeys },
        { timeoutMs, keepaliveIntervalMs, signal },
      );
      jumpClient = opened.client;
      jumpSocket = opened.socket;
      this.jumpHostKeys = this.accept(opened.verdict, jump, this.jumpHostKeys);
      try {
        sock = await raceAbort(
          forwardThrough(jumpClient, this.options.host, this.options.port),
          signal,
          `connecting to ${this.target}`,
        );
      } catch (error) {
        jumpSocket.destroy();
        throw error;
      }
    }
    try {
      const { client, verdict, socket } = await connectClient(
        { ...this.options, hostKeys: this.hostKeys },
        { timeoutMs, keepaliveIntervalMs, sock, signal },
      );
      this.hostKeys = this.accept(verdict, this.options, this.hostKeys);
      const live: Live = {
        client,
        jumpClient,
        sockets: jumpSocket ? [socket, jumpSocket] : [socket],
        closed: false,
      };
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
      jumpSocket?.destroy();
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

  private execOn(live: Live, command: string, options: ExecOptions): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      const { signal } = options;
      if (live.closed) {
        reject(new NotStartedError(live.reason ?? 'connection closed'));
        return;
      }
      if (signal?.aborted) {
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
      /** Runs from the abort until the server confirms the channel closed (or refused to open it). */
      let answerTimer: NodeJS.Timeout | undefined;
      const answered = () => clearTimeout(answerTimer);
      const finish = (outcome: () => void) => {
        if (done) return;
        done = true;
        live.client.off('close', onConnectionClose);
        signal?.removeEventListener('abort', onAbort);
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
        // The caller does not wait for the server: the result is settled now, open channel or not.
        finish(() => resolve({ exitCode: 130, stdout, stderr, aborted }));
        if (channel) stopChannel(channel);
        // A server that does not confirm soon is behind a stalled link, which would hold this connection
        // (and every later command on it) until the keepalives give up: drop it now.
        answerTimer = setTimeout(() => this.dropStalled(live), ABORT_ANSWER_MS);
        answerTimer.unref();
      };
      live.client.on('close', onConnectionClose);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        live.client.exec(command, (error, opened) => {
          answered();
          if (error) {
            finish(() => (live.closed ? reject(new NotStartedError(error.message)) : reject(error)));
            return;
          }
          if (done) {
            // Aborted before the channel opened: the command started all the same; stop it.
            if (aborted) {
              answerTimer = setTimeout(() => this.dropStalled(live), ABORT_ANSWER_MS);
              answerTimer.unref();
            }
            opened.on('close', answered);
            stopChannel(opened);
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
            answered();
            if (exitCode !== undefined)
              finish(() => resolve({ exitCode: exitCode as number, stdout, stderr, aborted }));
            else
              finish(() =>
                reject(new DroppedError(live.reason ?? 'the channel closed without an exit status')),
              );
          });
          // ssh2 sends a signal only on a channel still open for writing: an abortable command without
          // stdin keeps it open (kubectl watches never read it); everything else gets EOF right away.
          if (options.stdin !== undefined || !signal) opened.end(options.stdin);
        });
      } catch (error) {
        // ssh2 throws synchronously when the connection is already gone: the command never started.
        finish(() => reject(new NotStartedError(errorText(error))));
      }
    });
  }

  /** The server did not answer where it must answer at once: the link stalled. Drops the connection. */
  private dropStalled(live: Live): void {
    if (!live.closed) {
      live.closed = true;
      live.reason ??= 'the server stopped answering';
      debug(
        `ssh: ${this.target} did not answer in ${ABORT_ANSWER_MS} ms after an abort; dropping the connection`,
      );
    }
    destroyLive(live);
  }
}

/** Drops the connection at once: no goodbye that a stalled peer would leave unanswered. */
function destroyLive(live: Live): void {
  live.closed = true;
  for (const socket of live.sockets) socket.destroy();
}

/**
 * Asks the remote command to stop (OpenSSH delivers the signal to it; kubectl runs under `exec`, so it is
 * the one that gets it) and closes the channel, so that any later write of the command fails.
 */
function stopChannel(channel: ClientChannel): void {
  try {
    channel.signal('TERM');
    channel.close();
  } catch {
    // The connection is already gone: nothing left to stop.
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function signalNumber(name: string): number {
  const numbers: Record<string, number> = { HUP: 1, INT: 2, KILL: 9, PIPE: 13, TERM: 15 };
  return numbers[name.replace(/^SIG/, '')] ?? 0;
}
