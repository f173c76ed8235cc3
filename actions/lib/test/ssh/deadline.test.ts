import { utils } from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortedError } from '../../src/abortable.js';
import { SshConnection, type SshConnectionOptions } from '../../src/ssh/index.js';
import { type StallRelay, startStallRelay } from './stall-relay.js';

// Deadlines while connecting, against a loopback port that accepts TCP and never speaks SSH: no sandbox.
// Elapsed times are bounds on the behaviour (the deadline is honoured), not benchmarks.
const MARGIN_MS = 700;
let host: StallRelay | undefined;

afterEach(async () => {
  await host?.close();
  host = undefined;
});

function options(port: number, overrides: Partial<SshConnectionOptions> = {}): SshConnectionOptions {
  return {
    host: '127.0.0.1',
    port,
    username: 'deploy',
    privateKey: utils.generateKeyPairSync('ed25519').private,
    hostKeys: { pins: [] },
    connectTimeoutMs: 20_000,
    connectAttempts: 3,
    ...overrides,
  };
}

describe('SshConnection.open with a deadline', () => {
  it('cuts the attempt at the deadline, not at the 20 s connect timeout, and leaves no socket open', async () => {
    host = await startStallRelay();
    const started = Date.now();
    const error = await SshConnection.open(options(host.port), AbortSignal.timeout(800)).catch(
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeLessThan(800 + MARGIN_MS);
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as AbortedError).timedOut).toBe(true);
    expect((error as Error).message).toBe(
      `connecting to deploy@127.0.0.1:${host.port} was stopped: the deadline passed`,
    );
    expect(host.accepted()).toBe(1);
    // Destroyed, not ended politely: the relay sees the link gone right away.
    await expect.poll(() => host?.openClientLinks(), { timeout: 500, interval: 20 }).toBe(0);
  });

  it('starts no new attempt after the deadline, and cuts the back-off wait', async () => {
    host = await startStallRelay();
    const started = Date.now();
    const error = await SshConnection.open(
      options(host.port, { connectTimeoutMs: 300, connectAttempts: 50, retryBaseMs: 400 }),
      AbortSignal.timeout(1000),
    ).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1000 + MARGIN_MS);
    expect(error).toBeInstanceOf(AbortedError);
    const attempts = host.accepted();
    expect(attempts).toBeGreaterThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(host.accepted()).toBe(attempts);
    expect(host.openClientLinks()).toBe(0);
  });

  it('does not even dial when the signal already fired', async () => {
    host = await startStallRelay();
    const controller = new AbortController();
    controller.abort();
    await expect(SshConnection.open(options(host.port), controller.signal)).rejects.toBeInstanceOf(
      AbortedError,
    );
    expect(host.accepted()).toBe(0);
  });
});
