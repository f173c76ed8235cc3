import { badRequest } from './errors.js';

/**
 * Switches that tests flip through `POST /sandbox/faults` to see how clients cope with a misbehaving API
 * server: failing the next N requests with a status code, delaying answers, dropping open watch streams,
 * and forgetting the change history so that resumed watches get 410 Gone.
 */
export interface FaultRequest {
  failNext?: { count: number; code: number; pathContains?: string };
  delayMs?: number;
  dropWatches?: boolean;
  compact?: boolean;
  reset?: boolean;
}

export interface FaultActions {
  dropWatches(): number;
  compact(): void;
}

const failureReasons: Record<number, string> = {
  410: 'Expired',
  429: 'TooManyRequests',
  500: 'InternalError',
  502: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

export class Faults {
  private failures: { remaining: number; code: number; pathContains?: string } | undefined;
  private delay = 0;

  constructor(private readonly actions: FaultActions) {}

  apply(request: unknown): Record<string, unknown> {
    if (!request || typeof request !== 'object') throw badRequest('fault request must be a JSON object');
    const r = request as FaultRequest;
    const result: Record<string, unknown> = {};
    if (r.reset) {
      this.failures = undefined;
      this.delay = 0;
    }
    if (r.failNext !== undefined) {
      const { count, code, pathContains } = r.failNext;
      if (!Number.isInteger(count) || count < 0)
        throw badRequest(`failNext.count must be a non-negative integer, got ${JSON.stringify(count)}`);
      if (!failureReasons[code]) {
        throw badRequest(
          `failNext.code must be one of ${Object.keys(failureReasons).join(', ')}, got ${JSON.stringify(code)}`,
        );
      }
      this.failures = { remaining: count, code, pathContains };
    }
    if (r.delayMs !== undefined) {
      if (!Number.isInteger(r.delayMs) || r.delayMs < 0 || r.delayMs > 60_000) {
        throw badRequest(`delayMs must be an integer from 0 to 60000, got ${JSON.stringify(r.delayMs)}`);
      }
      this.delay = r.delayMs;
    }
    if (r.dropWatches) result.droppedWatches = this.actions.dropWatches();
    if (r.compact) this.actions.compact();
    return { ...result, ...this.state() };
  }

  state(): Record<string, unknown> {
    return {
      failuresRemaining: this.failures?.remaining ?? 0,
      failureCode: this.failures?.code ?? null,
      delayMs: this.delay,
    };
  }

  /** For one API request: the failure to answer with, if any, and how long to wait first. */
  consult(path: string): { fail?: { code: number; reason: string }; delayMs: number } {
    const f = this.failures;
    if (f && f.remaining > 0 && (!f.pathContains || path.includes(f.pathContains))) {
      f.remaining--;
      return { fail: { code: f.code, reason: failureReasons[f.code]! }, delayMs: this.delay };
    }
    return { delayMs: this.delay };
  }
}
