import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../sandbox/src/exec.js';
import { buildServiceBundle, type RunningService, startService } from './support/service-process.js';

interface ClientTally {
  ok: number;
  failures: string[];
  lastReadyStatus?: number;
}

function get(agent: Agent, port: number, path: string): Promise<{ status: number; close: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, close: res.headers.connection?.toLowerCase() === 'close' }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * One keep-alive client of a load balancer: sends requests back to back on its connection until the server
 * says `Connection: close` (the endpoint is going away) or `deadline` passes. Every error is a failure.
 */
async function client(port: number, paths: string[], deadline: number, tally: ClientTally): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; Date.now() < deadline; i++) {
      const path = paths[i % paths.length]!;
      try {
        const { status, close } = await get(agent, port, path);
        if (path === '/ready') tally.lastReadyStatus = status;
        if (status === 200 || (path === '/ready' && status === 503)) tally.ok++;
        else tally.failures.push(`${path}: HTTP ${status}`);
        if (close) return;
      } catch (error) {
        tally.failures.push(`${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
        return;
      }
    }
  } finally {
    agent.destroy();
  }
}

describe('SIGTERM', () => {
  let service: RunningService | undefined;
  beforeAll(buildServiceBundle);
  afterEach(async () => {
    await service?.stop();
    service = undefined;
  });

  it('under load: no request fails, readiness turns 503, and the process exits 0 after draining', async () => {
    const grace = 5;
    service = await startService({ SHUTDOWN_GRACE_SECONDS: String(grace) });
    const tally: ClientTally = { ok: 0, failures: [] };
    const deadline = Date.now() + 15_000;
    const paths = ['/health', '/metrics/system', '/metrics', '/metrics/app'];
    const clients = [
      ...Array.from({ length: 16 }, () => client(service!.port, paths, deadline, tally)),
      client(service.port, ['/ready'], deadline, tally),
    ];
    await sleep(1000);
    const okBeforeSignal = tally.ok;
    const signalledAt = Date.now();
    process.kill(service.pid, 'SIGTERM');
    await Promise.all(clients);
    const { code } = await service.exited;
    const exitSeconds = (Date.now() - signalledAt) / 1000;

    expect(okBeforeSignal).toBeGreaterThan(50); // the load was real
    expect(tally.failures).toEqual([]);
    expect(tally.lastReadyStatus).toBe(503);
    expect(code).toBe(0);
    expect(exitSeconds).toBeLessThan(grace);
    expect(service.logs().find((l) => l.msg === 'stopped')).toMatchObject({ clean: true });
  });

  it('cuts a connection that never finishes its request, and exits within the grace period', async () => {
    const grace = 3;
    service = await startService({ SHUTDOWN_GRACE_SECONDS: String(grace) });
    const stuck = connect(service.port, '127.0.0.1');
    await new Promise((resolve) => stuck.once('connect', resolve));
    stuck.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n'); // headers never end
    const stuckClosed = new Promise((resolve) => stuck.once('close', resolve));
    stuck.on('error', () => {});
    await sleep(200);

    const signalledAt = Date.now();
    process.kill(service.pid, 'SIGTERM');
    const { code } = await service.exited;
    const exitSeconds = (Date.now() - signalledAt) / 1000;
    await stuckClosed;

    expect(code).toBe(1); // says the drain was not clean
    expect(exitSeconds).toBeLessThan(grace);
    expect(service.logs().map((l) => l.msg)).toContain(
      'grace period over: closing the remaining connections',
    );
  });
});
