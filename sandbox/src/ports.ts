import { createConnection, createServer } from 'node:net';

export const loopback = '127.0.0.1';

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: loopback, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

async function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: loopback, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A free port on 127.0.0.1. The previous port is preferred so that image references such as
 * `127.0.0.1:PORT/name` and pinned `[127.0.0.1]:PORT` host keys stay valid across `down` and `up`.
 */
export async function freeLoopbackPort(preferred?: number): Promise<number> {
  if (preferred !== undefined && preferred > 0 && (await canListen(preferred))) return preferred;
  return anyFreePort();
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function portAnswers(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: loopback, port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
