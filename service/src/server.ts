import { createServer, type Server } from 'node:http';
import { Server as NetServer } from 'node:net';
import type { Duplex } from 'node:stream';
import type Koa from 'koa';
import type { Logger } from './http/logger.js';
import type { ShutdownState } from './http/request-pipeline.js';

/** Starts serving the app; resolves once the port is bound. */
export function listen(app: Koa, port: number, host: string): Promise<Server> {
  const server = createServer(app.callback());
  // Slow clients may not hold a connection open forever (slowloris); these are well above any real request.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  // Without a listener Node drops CONNECT requests without a word; say plainly that this is no proxy.
  server.on('connect', (_request, socket: Duplex) => {
    socket.on('error', () => {});
    socket.end(
      'HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, HEAD, OPTIONS\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export interface DrainOptions {
  server: Server;
  shutdown: ShutdownState;
  graceMs: number;
  logger: Logger;
}

/**
 * The SIGTERM sequence: readiness turns 503, the listening socket closes, and every open connection gets
 * `Connection: close` on its next response (see requestPipeline), so in-flight and keep-alive requests
 * finish normally. Idle connections end by the keep-alive timeout. Resolves `true` once the last
 * connection is gone, or `false` when the grace period ran out and the remaining ones were cut.
 */
export function drain({ server, shutdown, graceMs, logger }: DrainOptions): Promise<boolean> {
  shutdown.draining = true;
  logger.info('draining', { grace_ms: graceMs });
  return new Promise((resolve) => {
    // Leave a little of the grace period for exiting, so the kubelet's SIGKILL never comes first.
    const deadline = setTimeout(
      () => {
        logger.warn('grace period over: closing the remaining connections');
        server.closeAllConnections();
        resolve(false);
      },
      Math.max(graceMs - 500, graceMs / 2),
    );
    // net.Server's close rather than http.Server's: since Node 19 the latter also drops idle keep-alive
    // connections at once, racing clients that are just sending their next request on them.
    NetServer.prototype.close.call(server, () => {
      clearTimeout(deadline);
      resolve(true);
    });
  });
}
