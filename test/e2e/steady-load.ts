import { performance } from 'node:perf_hooks';

export interface LoadOptions {
  url: string;
  /** Requests started per second, whether or not earlier ones were answered (an open loop). */
  ratePerSecond: number;
  /** A request unanswered for this long counts as failed. */
  timeoutMs?: number;
  /** The load stops sending by itself after this long, even if stop() is never called. */
  maxDurationMs?: number;
}

/** One finished request. `status` is absent when no answer came (connection error, timeout). */
export interface RequestRecord {
  /** Epoch ms, comparable with the timestamps Kubernetes and Prometheus give. */
  startedAt: number;
  durationMs: number;
  status?: number;
  error?: string;
}

export interface LoadReport {
  startedAt: number;
  /** Epoch ms of the snapshot or of the stop. */
  endedAt: number;
  sent: number;
  /** Sent, not finished yet: 0 in the report stop() returns. */
  inFlight: number;
  /** Every finished request, in the order they finished. */
  requests: RequestRecord[];
  /** See isFailure; 4xx are the client's doing and not counted. */
  failures: RequestRecord[];
  /** True when maxDurationMs, not stop(), ended the sending. */
  endedByBound: boolean;
}

export interface SteadyLoad {
  /** What happened so far; the load keeps running. */
  snapshot(): LoadReport;
  /** Stops sending, waits for the requests in flight (each ends by its timeout), and reports. Idempotent. */
  stop(): Promise<LoadReport>;
}

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_MAX_DURATION_MS = 10 * 60_000;

/** What a user would call failed: a 5xx, no answer, or an answer cut off. */
export const isFailure = (record: RequestRecord): boolean =>
  record.status === undefined || record.status >= 500 || record.error !== undefined;

/** Failed requests started in [fromMs, toMs) (epoch ms): the failures a test blames on one phase. */
export function failuresBetween(report: LoadReport, fromMs: number, toMs: number): RequestRecord[] {
  return report.failures.filter((r) => r.startedAt >= fromMs && r.startedAt < toMs);
}

function errorName(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'timeout';
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
}

/**
 * Sends GETs to `url` at a fixed rate until stopped or bounded. Open loop: the schedule is the rate, not
 * the answers, so a slow or failing target gets as many requests as a healthy one and every failure a
 * user would have seen is counted.
 */
export function startSteadyLoad(options: LoadOptions): SteadyLoad {
  const { url, ratePerSecond } = options;
  if (!(ratePerSecond > 0 && ratePerSecond <= 1000))
    throw new Error(`ratePerSecond ${ratePerSecond}: expected a number above 0, at most 1000`);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxDurationMs = options.maxDurationMs ?? DEFAULT_MAX_DURATION_MS;
  const intervalMs = 1000 / ratePerSecond;
  const startedAt = Date.now();
  const origin = performance.now();
  const requests: RequestRecord[] = [];
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  let endedByBound = false;
  let timer: NodeJS.Timeout | undefined;

  const send = () => {
    const started = performance.now();
    const record: RequestRecord = { startedAt: Date.now(), durationMs: 0 };
    sent++;
    const done = fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
      .then(async (response) => {
        record.status = response.status;
        await response.arrayBuffer();
      })
      .catch((error: unknown) => {
        // An error while reading the body still leaves the status the client saw, plus what went wrong.
        record.error = errorName(error);
      })
      .finally(() => {
        record.durationMs = performance.now() - started;
        requests.push(record);
        inFlight.delete(done);
      });
    inFlight.add(done);
  };

  // Sends what is due by the schedule (start + n × interval), so that timer lateness does not lower the rate.
  const tick = () => {
    const elapsed = performance.now() - origin;
    if (elapsed >= maxDurationMs) {
      endedByBound = true;
      return;
    }
    while (sent * intervalMs <= elapsed) send();
    timer = setTimeout(tick, Math.max(0, sent * intervalMs - elapsed));
  };
  tick();

  const report = (): LoadReport => ({
    startedAt,
    endedAt: Date.now(),
    sent,
    inFlight: inFlight.size,
    requests: [...requests],
    failures: requests.filter(isFailure),
    endedByBound,
  });

  return {
    snapshot: report,
    async stop() {
      clearTimeout(timer);
      while (inFlight.size > 0) await Promise.all(inFlight);
      return report();
    },
  };
}
