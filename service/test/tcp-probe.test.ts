import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LatencyMonitor } from '../src/latency/monitor.js';
import { type ProbeSocket, probeTcp } from '../src/latency/tcp-probe.js';

function listening(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer((socket) => socket.destroy());
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    });
  });
}

/** A socket whose SYN goes unanswered, as behind a firewall that drops packets: loopback cannot do that. */
class SilentSocket extends EventEmitter implements ProbeSocket {
  destroyed = false;
  connect(): this {
    return this;
  }
  destroy(): this {
    this.destroyed = true;
    return this;
  }
}

describe('probeTcp() on loopback', () => {
  let open: { server: Server; port: number };
  let closedPort: number;
  beforeAll(async () => {
    open = await listening();
    const closed = await listening();
    closedPort = closed.port;
    await new Promise((r) => closed.server.close(r));
  });
  afterAll(() => new Promise((r) => open.server.close(r)));

  it('times the handshake to a listening port', async () => {
    const result = await probeTcp('127.0.0.1', open.port, 2000);
    expect(result.status).toBe('ok');
    expect(result.latencyMs).toBeGreaterThan(0);
  });

  it('reports connection_refused for a closed port', async () => {
    expect(await probeTcp('127.0.0.1', closedPort, 2000)).toEqual({
      status: 'connection_refused',
      latencyMs: null,
    });
  });

  it('reports timeout and closes the socket when nothing answers', async () => {
    const socket = new SilentSocket();
    expect(await probeTcp('10.255.255.1', 22, 50, () => socket)).toEqual({
      status: 'timeout',
      latencyMs: null,
    });
    expect(socket.destroyed).toBe(true);
  });

  it('keeps the error code of failures it has no status for', async () => {
    const socket = new SilentSocket();
    const probe = probeTcp('127.0.0.1', 1, 1000, () => socket);
    socket.emit('error', Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    expect(await probe).toEqual({ status: 'error', latencyMs: null, error: 'ECONNRESET' });
  });

  it('LatencyMonitor keeps the last result of every target', async () => {
    const monitor = new LatencyMonitor({
      targets: [
        { host: '127.0.0.1', port: open.port },
        { host: '127.0.0.1', port: closedPort },
      ],
      intervalSeconds: 30,
      timeoutMs: 1000,
    });
    await monitor.probeAll();
    const byPort = new Map(monitor.measurements().map((m) => [m.port, m.result.status]));
    expect(byPort).toEqual(
      new Map([
        [open.port, 'ok'],
        [closedPort, 'connection_refused'],
      ]),
    );
  });
});
