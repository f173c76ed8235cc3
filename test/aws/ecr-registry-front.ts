import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loopback } from '../../sandbox/src/ports.js';

interface Credentials {
  username: string;
  password: string;
}

const basic = ({ username, password }: Credentials) =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

/**
 * ECR's registry half for moto, which has none: an HTTP front on 127.0.0.1 for the sandbox's registry that
 * accepts the docker login ECR's token gives (`AWS` and the token's password) and passes each request on
 * with the registry's own credentials. Any other Authorization goes through unchanged, so a wrong token
 * is refused by the registry as it would be by ECR. The Host header is kept, so the registry's upload
 * Locations name the front. Moto's GetAuthorizationToken answer is pointed at it by AwsFaultProxy.
 */
export class EcrRegistryFront {
  /** Requests that came with the ECR token and went on with the registry's credentials. */
  translated = 0;

  private constructor(
    private readonly server: Server,
    private readonly upstream: URL,
  ) {}

  static async start(upstream: string, token: Credentials, registry: Credentials): Promise<EcrRegistryFront> {
    const server = createServer();
    const front = new EcrRegistryFront(server, new URL(upstream));
    server.on('request', (req, res) => {
      const headers = { ...req.headers };
      if (headers.authorization === basic(token)) {
        headers.authorization = basic(registry);
        front.translated += 1;
      }
      const forward = request(
        {
          host: front.upstream.hostname,
          port: front.upstream.port,
          method: req.method,
          path: req.url,
          headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', (error) => {
        res.writeHead(502);
        res.end(error.message);
      });
      req.pipe(forward);
    });
    await new Promise<void>((resolve) => server.listen(0, loopback, resolve));
    return front;
  }

  /** host:port, as image references name a registry. */
  get address(): string {
    return `${loopback}:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
