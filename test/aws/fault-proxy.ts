import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loopback } from '../../sandbox/src/ports.js';

/** How the next requests fail: AWS's throttling answer, or a server error. */
export type AwsFault = 'throttle' | 'server-error';

/**
 * What the proxy saw: every request, by AWS action; each answer as `Action status [error code]`; how many
 * it failed itself.
 */
export interface FaultCounters {
  requests: string[];
  answers: string[];
  failed: number;
}

/**
 * An HTTP proxy in front of moto that answers the next `count` requests (optionally only one action's)
 * with a fault as AWS sends it, in the request's protocol: JSON (ECR, `X-Amz-Target`) or EC2's query XML.
 * Throttling is ECR's `ThrottlingException` (HTTP 400) and EC2's `RequestLimitExceeded` (HTTP 503); a
 * server error is HTTP 500 (`ServerException` / `InternalError`). Everything else passes through unchanged,
 * but for GetAuthorizationToken's registry endpoint when `registryEndpoint` is set (see EcrRegistryFront).
 */
export class AwsFaultProxy {
  /** Where GetAuthorizationToken's proxyEndpoint points instead of moto's made-up ECR host, when set. */
  registryEndpoint: string | undefined;
  private plan: { remaining: number; fault: AwsFault; action?: string } | undefined;
  readonly counters: FaultCounters = { requests: [], answers: [], failed: 0 };

  private constructor(
    private readonly server: Server,
    private readonly upstream: URL,
  ) {}

  static async start(upstream: string): Promise<AwsFaultProxy> {
    const server = createServer();
    const proxy = new AwsFaultProxy(server, new URL(upstream));
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => proxy.handle(req, res, Buffer.concat(chunks)));
    });
    await new Promise<void>((resolve) => server.listen(0, loopback, resolve));
    return proxy;
  }

  get url(): string {
    return `http://${loopback}:${(this.server.address() as AddressInfo).port}`;
  }

  /** Fails the next `count` requests (of `action` only, when given) with `fault`. */
  failNext(count: number, fault: AwsFault, action?: string): void {
    this.plan = { remaining: count, fault, ...(action && { action }) };
  }

  reset(): void {
    this.plan = undefined;
    this.counters.requests.length = 0;
    this.counters.answers.length = 0;
    this.counters.failed = 0;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(
    req: import('node:http').IncomingMessage,
    res: import('node:http').ServerResponse,
    body: Buffer,
  ): void {
    const target = req.headers['x-amz-target'];
    const json = typeof target === 'string';
    const action = json
      ? (target.split('.').pop() ?? '')
      : (new URLSearchParams(body.toString('utf8')).get('Action') ?? '');
    this.counters.requests.push(action);
    const plan = this.plan;
    if (plan && plan.remaining > 0 && (plan.action === undefined || plan.action === action)) {
      plan.remaining -= 1;
      this.counters.failed += 1;
      this.counters.answers.push(`${action} fault`);
      this.fail(res, plan.fault, json);
      return;
    }
    const forward = request(
      {
        host: this.upstream.hostname,
        port: this.upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        const status = answer.statusCode ?? 502;
        if (status === 200 && action === 'GetAuthorizationToken' && this.registryEndpoint) {
          this.counters.answers.push(`${action} ${status}`);
          this.answerWithRegistry(answer, res, this.registryEndpoint);
          return;
        }
        if (status < 400) {
          this.counters.answers.push(`${action} ${status}`);
          res.writeHead(status, answer.headers);
          answer.pipe(res);
          return;
        }
        // An error: recorded with the code its body names (XML <Code> or JSON __type), then passed on.
        const parts: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => parts.push(chunk));
        answer.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          const code =
            /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? /"__type":\s*"([^"]+)"/.exec(text)?.[1] ?? '?';
          this.counters.answers.push(`${action} ${status} ${code}`);
          res.writeHead(status, answer.headers);
          res.end(text);
        });
      },
    );
    forward.on('error', (error) => {
      res.writeHead(502);
      res.end(error.message);
    });
    forward.end(body);
  }

  /** Points the token's proxyEndpoint (moto: https://ACCOUNT.dkr.ecr.REGION.amazonaws.com) at `endpoint`. */
  private answerWithRegistry(
    answer: import('node:http').IncomingMessage,
    res: import('node:http').ServerResponse,
    endpoint: string,
  ): void {
    const parts: Buffer[] = [];
    answer.on('data', (chunk: Buffer) => parts.push(chunk));
    answer.on('end', () => {
      const body = JSON.parse(Buffer.concat(parts).toString('utf8')) as {
        authorizationData?: { proxyEndpoint?: string }[];
      };
      for (const data of body.authorizationData ?? []) data.proxyEndpoint = endpoint;
      const text = JSON.stringify(body);
      res.writeHead(200, { ...answer.headers, 'content-length': String(Buffer.byteLength(text)) });
      res.end(text);
    });
  }

  private fail(res: import('node:http').ServerResponse, fault: AwsFault, json: boolean): void {
    const requestId = `fault-${this.counters.failed}`;
    if (json) {
      const [status, type, message] =
        fault === 'throttle'
          ? [400, 'ThrottlingException', 'Rate exceeded']
          : [500, 'ServerException', 'We encountered an internal error. Please try again.'];
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': requestId,
        'x-amzn-errortype': type,
      });
      res.end(JSON.stringify({ __type: type, message }));
      return;
    }
    const [status, code, message] =
      fault === 'throttle'
        ? [503, 'RequestLimitExceeded', 'Request limit exceeded.']
        : [500, 'InternalError', 'An internal error has occurred.'];
    res.writeHead(status, { 'content-type': 'text/xml;charset=UTF-8' });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
    );
  }
}
