import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cutSshSessions } from '../../../../sandbox/src/sandbox.js';
import { useSandbox } from '../../../../sandbox/src/testing.js';
import { AbortedError } from '../../src/abortable.js';
import { sshKubectl } from '../../src/kubectl/index.js';
import { parseHostKeyPins, SshConnection, type SshConnectionOptions } from '../../src/ssh/index.js';
import { type StallRelay, startStallRelay } from '../ssh/stall-relay.js';

// Deadlines on the sandbox's real sshd and kubectl, with a relay in front of the SSH gate that can stall
// live links (packets stop, sockets stay open) or leave new ones unanswered. Elapsed times are bounds on
// the behaviour, the deadline honoured, not benchmarks: each call must end by its deadline plus MARGIN_MS.
// The cluster is not needed: the long call is `kubectl proxy`, which serves until stopped without asking
// the API server anything, and the short one `kubectl version --client`.
const DEADLINE_MS = 3000;
const MARGIN_MS = 1500;
/** A kubectl call that runs until it is stopped. */
const LONG_CALL = ['proxy', '--port=0', '--address=127.0.0.1'];

let base: SshConnectionOptions;
let gate: { host: string; port: number };
let relay: StallRelay | undefined;
let connection: SshConnection | undefined;

beforeAll(async () => {
  const { ssh } = await useSandbox(['ssh']);
  gate = { host: ssh.host, port: ssh.port };
  base = {
    host: '127.0.0.1',
    port: 0,
    username: ssh.user,
    privateKey: readFileSync(ssh.privateKeyFile, 'utf8'),
    // By fingerprint: the relay's port is not the one the known_hosts line names.
    hostKeys: { pins: parseHostKeyPins(ssh.hostKeyFingerprint) },
    // The defaults an action runs with: without the deadline, these alone would take minutes.
    connectTimeoutMs: 20_000,
    connectAttempts: 3,
  };
});

afterEach(async () => {
  await connection?.close();
  connection = undefined;
  await relay?.close();
  relay = undefined;
});

/** Connects through a new relay and checks that kubectl answers over it. */
async function connectThroughRelay(): Promise<SshConnection> {
  relay = await startStallRelay(gate);
  connection = await SshConnection.open({ ...base, port: relay.port });
  const version = await sshKubectl(connection).run(['version', '--client'], { readOnly: true });
  expect(version.stdout).toContain('Client Version');
  return connection;
}

/** Runs `call` and returns what it threw and how long it took. */
async function timed(call: () => Promise<unknown>): Promise<{ error: unknown; elapsedMs: number }> {
  const started = Date.now();
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, elapsedMs: Date.now() - started };
}

function expectDeadlineHonoured({ error, elapsedMs }: { error: unknown; elapsedMs: number }): void {
  expect(error).toBeInstanceOf(AbortedError);
  expect((error as AbortedError).timedOut).toBe(true);
  expect(elapsedMs).toBeLessThan(DEADLINE_MS + MARGIN_MS);
}

describe('kubectl over SSH with a deadline', () => {
  it('returns at the deadline when the link stalls mid-call, and drops the stalled connection', async () => {
    const kubectl = sshKubectl(await connectThroughRelay());
    setTimeout(() => relay?.stall(), 1000);
    const outcome = await timed(() =>
      kubectl.run(LONG_CALL, {
        readOnly: true,
        signal: AbortSignal.timeout(DEADLINE_MS),
      }),
    );
    expectDeadlineHonoured(outcome);
    // The server cannot confirm the abort over a stalled link: the connection is destroyed, not left to
    // the keepalives; the relay sees the link gone.
    await expect.poll(() => relay?.openClientLinks(), { timeout: MARGIN_MS, interval: 50 }).toBe(0);
  });

  it('returns at the deadline when the link stalled before the call, and close() does not wait on the peer', async () => {
    const kubectl = sshKubectl(await connectThroughRelay());
    relay?.stall();
    const outcome = await timed(() =>
      kubectl.run(['version', '--client'], { readOnly: true, signal: AbortSignal.timeout(DEADLINE_MS) }),
    );
    expectDeadlineHonoured(outcome);
    const closing = await timed(async () => connection?.close());
    expect(closing.elapsedMs).toBeLessThan(MARGIN_MS);
    connection = undefined;
    await expect.poll(() => relay?.openClientLinks(), { timeout: MARGIN_MS, interval: 50 }).toBe(0);
  });

  it('stops re-running a read-only call at the deadline when the reconnects go unanswered', async () => {
    const kubectl = sshKubectl(await connectThroughRelay());
    setTimeout(() => {
      // The link drops (the sandbox's gate resets it) and the host stops answering new connections.
      relay?.silenceNewConnections();
      void cutSshSessions();
    }, 1000);
    const outcome = await timed(() =>
      kubectl.run(LONG_CALL, {
        readOnly: true,
        signal: AbortSignal.timeout(DEADLINE_MS),
      }),
    );
    expectDeadlineHonoured(outcome);
    // It did reconnect (the relay took the attempt), and started nothing after the deadline.
    const attempts = relay?.accepted() ?? 0;
    expect(attempts).toBeGreaterThanOrEqual(2);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(relay?.accepted()).toBe(attempts);
    expect(relay?.openClientLinks()).toBe(0);
  });

  it('a call with time left still works on the same connection after another call hit its deadline', async () => {
    const kubectl = sshKubectl(await connectThroughRelay());
    const outcome = await timed(() =>
      kubectl.run(LONG_CALL, {
        readOnly: true,
        signal: AbortSignal.timeout(1000),
      }),
    );
    expect(outcome.error).toBeInstanceOf(AbortedError);
    const version = await kubectl.run(['version', '--client'], {
      readOnly: true,
      signal: AbortSignal.timeout(DEADLINE_MS),
    });
    expect(version.stdout).toContain('Client Version');
  });
});
