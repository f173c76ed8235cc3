import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { loopback } from './ports.js';
import type { FileOwner } from './private-files.js';
import { writePrivateFile } from './private-files.js';
import type { OwnClusterRecord } from './state.js';

/** What a test asks of the proxy; each field is optional and an empty request only reads the counters. */
export interface FaultRequest {
  /** Answer the next `count` requests whose path contains `pathContains` with `code`, as the API would. */
  failNext?: { count: number; code: number; pathContains?: string };
  /** Cut every watch stream open now, as a dropped connection or an API server restart would. */
  dropWatches?: boolean;
  reset?: boolean;
}

export interface FaultStatus {
  failuresRemaining: number;
  droppedWatches: number;
  requests: number;
}

const reasons: Record<number, string> = {
  410: 'Expired',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/**
 * A TLS proxy in front of the sandbox's real API server for fault tests: it passes every request through
 * unchanged (the client's bearer token included, so RBAC applies as it would directly) unless told to
 * fail some, and can cut the watches it carries. It serves the API server's own certificate (its names
 * include 127.0.0.1), so a kubeconfig differs from the direct one only by its server URL.
 */
export class ApiFaultProxy {
  private failures: { remaining: number; code: number; pathContains: string } | undefined;
  private readonly watches = new Set<ServerResponse>();
  private dropped = 0;
  private requests = 0;

  private constructor(
    private readonly server: Server,
    private readonly upstream: URL,
    private readonly ca: Buffer,
  ) {}

  static async start(cluster: OwnClusterRecord): Promise<ApiFaultProxy> {
    const pki = join(cluster.dir, 'pki');
    const server = createServer({
      cert: readFileSync(join(pki, 'apiserver.crt')),
      key: readFileSync(join(pki, 'apiserver.key')),
    });
    const proxy = new ApiFaultProxy(server, new URL(cluster.url), readFileSync(join(pki, 'ca.crt')));
    server.on('request', (req, res) => proxy.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, loopback, resolve));
    return proxy;
  }

  get url(): string {
    return `https://${loopback}:${(this.server.address() as AddressInfo).port}`;
  }

  /** A copy of `kubeconfigFile` whose server is this proxy, written 0600 for `owner`. */
  writeKubeconfig(kubeconfigFile: string, path: string, owner?: FileOwner): void {
    const config = JSON.parse(readFileSync(kubeconfigFile, 'utf8')) as {
      clusters: { cluster: { server: string } }[];
    };
    for (const entry of config.clusters) entry.cluster.server = this.url;
    writePrivateFile(path, `${JSON.stringify(config, null, 2)}\n`, owner);
  }

  faults(change: FaultRequest = {}): FaultStatus {
    if (change.reset) this.failures = undefined;
    if (change.failNext) {
      const { count, code, pathContains = '' } = change.failNext;
      if (!Number.isInteger(count) || count < 0)
        throw new Error(`failNext.count must be an integer ≥ 0, got ${count}`);
      if (!reasons[code])
        throw new Error(`failNext.code must be one of ${Object.keys(reasons).join(', ')}, got ${code}`);
      this.failures = { remaining: count, code, pathContains };
    }
    if (change.dropWatches) {
      for (const watch of this.watches) watch.destroy();
      this.dropped += this.watches.size;
      this.watches.clear();
    }
    return {
      failuresRemaining: this.failures?.remaining ?? 0,
      droppedWatches: this.dropped,
      requests: this.requests,
    };
  }

  close(): Promise<void> {
    this.faults({ dropWatches: true });
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.requests += 1;
    const path = req.url ?? '/';
    const failure = this.failures;
    if (failure && failure.remaining > 0 && path.includes(failure.pathContains)) {
      failure.remaining -= 1;
      const reason = reasons[failure.code];
      res.writeHead(failure.code, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `injected by the sandbox's API fault proxy: ${reason}`,
          reason,
          code: failure.code,
        }),
      );
      return;
    }
    const headers = { ...req.headers, host: this.upstream.host };
    const upstream = request(
      {
        host: this.upstream.hostname,
        port: this.upstream.port,
        path,
        method: req.method,
        headers,
        ca: this.ca,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (/[?&]watch=(1|true)/.test(path)) {
          this.watches.add(res);
          res.on('close', () => this.watches.delete(res));
        }
        answer.pipe(res);
      },
    );
    res.on('close', () => upstream.destroy());
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end(`the sandbox's API fault proxy could not reach the API server: ${error.message}`);
    });
    req.pipe(upstream);
  }
}
