import { Agent, get } from 'node:http';

export interface LoadReport {
  succeeded: number;
  /** Every request that did not end in a 2xx answer: connection errors and error statuses alike. */
  failures: { atMs: number; what: string }[];
  durationMs: number;
  /** True when a bound (maxRequests, maxMs) ended the load before stop() did: it did not cover everything. */
  endedByBound: boolean;
}

export interface SteadyLoad {
  /** Requests answered 2xx so far. */
  readonly succeeded: number;
  /** Stops sending, waits for the requests in flight, and reports. */
  stop(): Promise<LoadReport>;
}

export interface LoadOptions {
  /** Workers that keep their connection alive: it stays on one pod until that pod closes it. */
  keepAliveWorkers: number;
  /** Workers that open a new connection per request: each one is routed afresh by the proxy. */
  freshWorkers: number;
  /** Pause between one worker's requests. */
  pauseMs: number;
  /** Bounds: the load stops by itself after this many requests or this long, whichever comes first. */
  maxRequests: number;
  maxMs: number;
}

const requestTimeoutMs = 10_000;

/**
 * A bounded load generator for a loopback URL: a few workers send GETs back to back, some over kept-alive
 * connections as a client pool does (pinned to a pod that may go away), some on a new connection each
 * time (routed afresh, so a pod that is not ready or is terminating would get some of them).
 */
export function startSteadyLoad(url: string, options: LoadOptions): SteadyLoad {
  const target = new URL(url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname))
    throw new Error(`load target ${url} must be on loopback`);
  const agent = new Agent({ keepAlive: true, maxSockets: options.keepAliveWorkers });
  const started = Date.now();
  const failures: LoadReport['failures'] = [];
  let succeeded = 0;
  let sent = 0;
  let stopped = false;
  const once = (keepAlive: boolean) =>
    new Promise<void>((resolve) => {
      const fail = (what: string) => {
        failures.push({ atMs: Date.now() - started, what });
        resolve();
      };
      const req = get(url, { agent: keepAlive ? agent : false, timeout: requestTimeoutMs }, (res) => {
        res.resume();
        res.on('end', () => {
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) {
            succeeded++;
            resolve();
          } else fail(`HTTP ${code}`);
        });
        res.on('error', (error) => fail(`response: ${error.message}`));
      });
      req.on('timeout', () => req.destroy(new Error(`no answer in ${requestTimeoutMs} ms`)));
      req.on('error', (error: NodeJS.ErrnoException) => fail(`request: ${error.code ?? error.message}`));
    });
  const worker = async (keepAlive: boolean) => {
    while (!stopped && sent < options.maxRequests && Date.now() - started < options.maxMs) {
      sent++;
      await once(keepAlive);
      await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
    }
  };
  const workers = Promise.all([
    ...Array.from({ length: options.keepAliveWorkers }, () => worker(true)),
    ...Array.from({ length: options.freshWorkers }, () => worker(false)),
  ]);
  return {
    get succeeded() {
      return succeeded;
    },
    async stop() {
      const endedByBound = sent >= options.maxRequests || Date.now() - started >= options.maxMs;
      stopped = true;
      await workers;
      agent.destroy();
      return { succeeded, failures, durationMs: Date.now() - started, endedByBound };
    },
  };
}
