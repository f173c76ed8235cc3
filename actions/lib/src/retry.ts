export interface RetryOptions {
  /** Total tries, the first included (>= 1). */
  attempts: number;
  /** Delay cap before the first retry; doubles each retry. */
  baseMs: number;
  /** Upper bound of any delay. */
  maxMs: number;
  /** 'full' (default) waits a random time in [0, cap): spreads out clients that failed together. */
  jitter?: 'full' | 'none';
  /** Errors that are worth another try; default: all. */
  isRetryable?: (error: unknown) => boolean;
  /** Told before each wait, e.g. to log a warning. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** The wait before retry number `retry` (1 = the first retry): exponential, capped, optionally jittered. */
export function backoffDelay(
  retry: number,
  options: Pick<RetryOptions, 'baseMs' | 'maxMs' | 'jitter' | 'random'>,
): number {
  const cap = Math.min(options.maxMs, options.baseMs * 2 ** (retry - 1));
  if (options.jitter === 'none') return cap;
  return Math.floor((options.random ?? Math.random)() * cap);
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls `fn` until it resolves, a non-retryable error is thrown, or the attempts are used up. */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  if (!Number.isInteger(options.attempts) || options.attempts < 1) {
    throw new Error(`retry: attempts must be an integer >= 1, got ${options.attempts}`);
  }
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      const retryable = options.isRetryable?.(error) ?? true;
      if (!retryable || attempt >= options.attempts) throw error;
      const delay = backoffDelay(attempt, options);
      options.onRetry?.(error, attempt, delay);
      await sleep(delay);
    }
  }
}
