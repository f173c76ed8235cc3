/*
 * Deadlines as AbortSignals. A step makes one signal for its wall-clock deadline (`deadlineSignal`, or
 * `AbortSignal.timeout`) and hands it to every call it makes: each call then gets the time that is left.
 * A call stopped by its signal rejects with AbortedError.
 */

/** A call stopped because its AbortSignal fired: the deadline passed (`timedOut`) or the caller cancelled. */
export class AbortedError extends Error {
  /** The signal fired for a deadline (a `TimeoutError` reason, as from `AbortSignal.timeout`). */
  readonly timedOut: boolean;

  constructor(
    readonly what: string,
    readonly reason: unknown,
  ) {
    const timedOut = (reason as { name?: unknown } | undefined)?.name === 'TimeoutError';
    const why = timedOut
      ? 'the deadline passed'
      : reason instanceof Error && reason.name !== 'AbortError'
        ? reason.message
        : 'cancelled';
    super(`${what} was stopped: ${why}`);
    this.name = 'AbortedError';
    this.timedOut = timedOut;
  }
}

/** The AbortedError for a call on `signal` (which has fired). */
export function abortedError(signal: AbortSignal, what: string): AbortedError {
  return new AbortedError(what, signal.reason);
}

export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw abortedError(signal, what);
}

/**
 * Settles like `promise`, or rejects with AbortedError as soon as `signal` fires (at once if it already
 * has). The work behind `promise` goes on: stop it too, or make sure it cleans up after itself.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined, what: string): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(abortedError(signal, what));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortedError(signal, what));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Waits `ms`, or rejects with AbortedError when `signal` fires first. */
export function sleepUnlessAborted(ms: number, signal: AbortSignal | undefined, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const slept = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return raceAbort(slept, signal, what).finally(() => clearTimeout(timer));
}

/** Milliseconds left until `deadline` (epoch ms), never negative; Infinity without a deadline. */
export function remainingMs(deadline: number | undefined, now: number = Date.now()): number {
  if (deadline === undefined) return Number.POSITIVE_INFINITY;
  return Math.max(0, deadline - now);
}

/**
 * A signal that fires at the wall-clock `deadline` (epoch ms) with a `TimeoutError` reason, or earlier
 * when `parent` fires. Its timer does not keep the process alive.
 */
export function deadlineSignal(
  deadline: number,
  parent?: AbortSignal,
  now: number = Date.now(),
): AbortSignal {
  const timeout = AbortSignal.timeout(remainingMs(deadline, now));
  return parent ? AbortSignal.any([parent, timeout]) : timeout;
}

/** Fires when any of the given signals fires; undefined when none is given. */
export function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  if (present.length <= 1) return present[0];
  return AbortSignal.any(present);
}
