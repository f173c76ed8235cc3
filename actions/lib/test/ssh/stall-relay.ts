import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP relay on loopback for deadline tests, in front of a real sshd (or of nothing): `stall()` makes every
 * live link go silent the way a dead network path does, packets stop and the sockets stay open;
 * `silent` mode accepts new connections and never says a word (a host whose TCP answers but whose SSH
 * does not). The sandbox's SSH gate can only cut links; this one stalls them.
 */
export interface StallRelay {
  port: number;
  /** Links from clients that are still open on the relay's side. */
  openClientLinks(): number;
  /** Connections the relay has accepted so far. */
  accepted(): number;
  /** Live links stop forwarding in both directions; the sockets stay open. */
  stall(): void;
  /** New connections are accepted and then ignored (not forwarded); live ones keep going. */
  silenceNewConnections(): void;
  close(): Promise<void>;
}

export async function startStallRelay(target?: { host: string; port: number }): Promise<StallRelay> {
  const clients = new Set<Socket>();
  const links = new Set<{ client: Socket; upstream: Socket }>();
  let silent = target === undefined;
  let accepted = 0;

  const server: Server = createServer((client) => {
    accepted++;
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('error', () => client.destroy());
    if (silent || !target) {
      // Read and drop whatever comes, answer nothing.
      client.on('data', () => {});
      return;
    }
    const upstream = createConnection(target);
    const link = { client, upstream };
    links.add(link);
    const end = () => {
      links.delete(link);
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', end).on('close', end);
    client.on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    port,
    openClientLinks: () => clients.size,
    accepted: () => accepted,
    stall: () => {
      for (const { client, upstream } of links) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        // Keep reading the client (its writes must not fail) and drop what it says; sshd hears nothing more.
        client.on('data', () => {});
        client.resume();
        upstream.pause();
      }
    },
    silenceNewConnections: () => {
      silent = true;
    },
    close: async () => {
      for (const socket of clients) socket.destroy();
      for (const { upstream } of links) upstream.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
