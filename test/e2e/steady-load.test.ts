import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { failuresBetween, startSteadyLoad } from './steady-load.js';

/** A local target: /ok answers 200, /fail 500, /slow 200 after 300 ms, /hang never. */
function startTarget(): Promise<{ server: Server; url: string; received: () => number }> {
  let received = 0;
  const server = createServer((req, res) => {
    received++;
    if (req.url === '/hang') return;
    if (req.url === '/slow') {
      setTimeout(() => res.end('late'), 300);
      return;
    }
    res.statusCode = req.url === '/fail' ? 500 : 200;
    res.end('answer');
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}`, received: () => received });
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('startSteadyLoad', () => {
  let target: Awaited<ReturnType<typeof startTarget>>;

  beforeAll(async () => {
    target = await startTarget();
  });

  afterAll(async () => {
    target.server.closeAllConnections();
    await new Promise((resolve) => target.server.close(resolve));
  });

  test('sends at the fixed rate and reports every answer with its status, start and duration', async () => {
    const before = Date.now();
    const load = startSteadyLoad({ url: `${target.url}/ok`, ratePerSecond: 50 });
    await sleep(500);
    const report = await load.stop();
    // 50/s for 0.5 s is 25 or 26 requests by the schedule; a busy machine may delay the last timers.
    expect(report.sent).toBeGreaterThanOrEqual(20);
    expect(report.sent).toBeLessThanOrEqual(27);
    expect(report.requests).toHaveLength(report.sent);
    expect(report.inFlight).toBe(0);
    expect(report.failures).toEqual([]);
    expect(report.endedByBound).toBe(false);
    for (const request of report.requests) {
      expect(request.status).toBe(200);
      expect(request.startedAt).toBeGreaterThanOrEqual(before);
      expect(request.durationMs).toBeGreaterThan(0);
    }
  });

  test('keeps its rate when answers are slow: the schedule, not the answers, paces it', async () => {
    const load = startSteadyLoad({ url: `${target.url}/slow`, ratePerSecond: 20 });
    await sleep(500);
    const report = await load.stop();
    // A closed loop with one worker would have sent 2; the open loop sends about 10 and waits for them.
    expect(report.sent).toBeGreaterThanOrEqual(8);
    expect(report.requests.every((r) => r.status === 200 && r.durationMs >= 290)).toBe(true);
  });

  test('counts 500s, timeouts and refused connections as failures, with their start times', async () => {
    const failing = startSteadyLoad({ url: `${target.url}/fail`, ratePerSecond: 20 });
    const hanging = startSteadyLoad({ url: `${target.url}/hang`, ratePerSecond: 20, timeoutMs: 200 });
    await sleep(300);
    const [failed, hung] = await Promise.all([failing.stop(), hanging.stop()]);
    expect(failed.failures).toHaveLength(failed.sent);
    expect(failed.failures.every((r) => r.status === 500 && r.error === undefined)).toBe(true);
    expect(hung.failures).toHaveLength(hung.sent);
    expect(hung.failures.every((r) => r.status === undefined && r.error === 'timeout')).toBe(true);

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await startSteadyLoad({ url: `http://127.0.0.1:${port}/`, ratePerSecond: 10 }).stop();
    expect(refused.failures).toEqual([expect.objectContaining({ error: 'ECONNREFUSED' })]);
  });

  test('failuresBetween counts the failures of requests started within an interval', async () => {
    const load = startSteadyLoad({ url: `${target.url}/fail`, ratePerSecond: 20 });
    await sleep(250);
    const middle = Date.now();
    await sleep(250);
    const report = await load.stop();
    const early = failuresBetween(report, report.startedAt, middle);
    const late = failuresBetween(report, middle, report.endedAt);
    expect(early.length).toBeGreaterThan(0);
    expect(late.length).toBeGreaterThan(0);
    expect(early.length + late.length).toBe(report.failures.length);
  });

  test('snapshot shows the load so far without stopping it', async () => {
    const load = startSteadyLoad({ url: `${target.url}/ok`, ratePerSecond: 40 });
    await sleep(200);
    const first = load.snapshot();
    await sleep(200);
    const second = load.snapshot();
    const final = await load.stop();
    expect(second.sent).toBeGreaterThan(first.sent);
    expect(final.sent).toBeGreaterThanOrEqual(second.sent);
    expect(await load.stop()).toMatchObject({ sent: final.sent, inFlight: 0 });
  });

  test('stops by itself after maxDurationMs when stop() is never called', async () => {
    const received = target.received();
    const load = startSteadyLoad({ url: `${target.url}/ok`, ratePerSecond: 50, maxDurationMs: 200 });
    await sleep(500);
    const bounded = load.snapshot();
    expect(bounded.endedByBound).toBe(true);
    expect(bounded.sent).toBeLessThanOrEqual(11);
    await sleep(200);
    expect(load.snapshot().sent).toBe(bounded.sent);
    expect(target.received() - received).toBe(bounded.sent);
  });

  test('refuses a rate that is not a positive number', () => {
    expect(() => startSteadyLoad({ url: target.url, ratePerSecond: 0 })).toThrow(/ratePerSecond 0/);
  });
});
