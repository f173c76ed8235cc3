import { rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { loopback } from './ports.js';

/**
 * A TCP relay in front of sshd that can cut every live connection on command, the way a dropped network
 * link does mid-session. Clients connect to the gate's port; sshd itself is never signalled, so new
 * sessions work again right after a cut, as they would after a network blip.
 *
 * Control: a Unix socket (only root can reach it, unlike a loopback port) that takes one line, `cut` or
 * `count`, and answers one JSON line: `{"cut":N}` or `{"live":N}`.
 */
export interface SshGateOptions {
  listenPort: number;
  targetPort: number;
  controlSocket: string;
}

export interface SshGate {
  port: number;
  liveConnections(): number;
  cutAll(): number;
  close(): Promise<void>;
}

function listen(server: Server, options: { host?: string; port?: number; path?: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export async function startSshGate(options: SshGateOptions): Promise<SshGate> {
  const pairs = new Set<[Socket, Socket]>();

  const relay = createServer((client) => {
    const upstream = createConnection({ host: loopback, port: options.targetPort });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });

  // A reset, not a polite FIN: both ends see the connection die as on a broken link.
  const cutAll = () => {
    const count = pairs.size;
    for (const pair of [...pairs]) {
      pairs.delete(pair);
      for (const socket of pair) socket.resetAndDestroy();
    }
    return count;
  };

  const control = createServer((socket) => {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline < 0) return;
      const command = buffer.slice(0, newline).trim();
      const reply =
        command === 'cut'
          ? { cut: cutAll() }
          : command === 'count'
            ? { live: pairs.size }
            : { error: `unknown command '${command}', expected 'cut' or 'count'` };
      socket.end(`${JSON.stringify(reply)}\n`);
    });
    socket.on('error', () => socket.destroy());
  });

  await listen(relay, { host: loopback, port: options.listenPort });
  rmSync(options.controlSocket, { force: true });
  await listen(control, { path: options.controlSocket });

  const address = relay.address();
  return {
    port: typeof address === 'object' && address ? address.port : options.listenPort,
    liveConnections: () => pairs.size,
    cutAll,
    close: async () => {
      cutAll();
      await Promise.all([relay, control].map((server) => new Promise((resolve) => server.close(resolve))));
    },
  };
}
