import { createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { debug } from '../log.js';

/** Where forwarded connections go: an open SSH connection (SshConnection.openChannel). */
export interface ChannelOpener {
  openChannel(host: string, port: number): Promise<Duplex>;
}

export interface LocalForward {
  /** `127.0.0.1:<port>` on the runner, for HTTP clients (fetch). */
  readonly address: string;
  close(): Promise<void>;
}

/**
 * `ssh -L` in process: a loopback port on the runner whose connections each become a channel to
 * `host:port` as the node sees it. Only this machine can connect, and only while the step runs.
 */
export async function forwardLocalPort(
  ssh: ChannelOpener,
  host: string,
  port: number,
): Promise<LocalForward> {
  const sockets = new Set<Socket>();
  // Half-open: a client that ends its side still gets the rest of the answer, as with `ssh -L`.
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    ssh.openChannel(host, port).then(
      (channel) => {
        // Each side's end is passed on by the pipes (what was sent still arrives); an error cuts both.
        socket.pipe(channel).pipe(socket);
        channel.once('error', () => socket.destroy());
        socket.once('error', () => channel.destroy());
        socket.once('close', () => channel.destroy());
      },
      (error: Error) => {
        debug(`port forward to ${host}:${port}: ${error.message}`);
        socket.destroy();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port: localPort } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${localPort}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
