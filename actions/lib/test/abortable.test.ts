import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  abortedError,
  anySignal,
  deadlineSignal,
  raceAbort,
  remainingMs,
  sleepUnlessAborted,
  throwIfAborted,
} from '../src/abortable.js';

/** Resolves once `signal` fired. */
const fired = (signal: AbortSignal) =>
  new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));

describe('AbortedError', () => {
  it('tells a passed deadline apart from a cancellation', () => {
    const deadline = new AbortedError('kubectl get', new DOMException('x', 'TimeoutError'));
    expect(deadline.timedOut).toBe(true);
    expect(deadline.message).toBe('kubectl get was stopped: the deadline passed');
    const cancelled = abortedError(abortedSignal(), 'kubectl get');
    expect(cancelled.timedOut).toBe(false);
    expect(cancelled.message).toBe('kubectl get was stopped: cancelled');
    const closed = new AbortedError('connecting', new Error('the connection was closed'));
    expect(closed.message).toBe('connecting was stopped: the connection was closed');
  });

  it('is thrown by throwIfAborted only once the signal fired', () => {
    expect(() => throwIfAborted(undefined, 'x')).not.toThrow();
    expect(() => throwIfAborted(new AbortController().signal, 'x')).not.toThrow();
    expect(() => throwIfAborted(abortedSignal(), 'x')).toThrow(AbortedError);
  });
});

describe('raceAbort', () => {
  it('settles like the promise while the signal stays quiet', async () => {
    const controller = new AbortController();
    await expect(raceAbort(Promise.resolve(7), controller.signal, 'x')).resolves.toBe(7);
    await expect(raceAbort(Promise.reject(new Error('boom')), controller.signal, 'x')).rejects.toThrow(
      'boom',
    );
    await expect(raceAbort(Promise.resolve(8), undefined, 'x')).resolves.toBe(8);
  });

  it('rejects with AbortedError as soon as the signal fires, and at once when it already has', async () => {
    const controller = new AbortController();
    const never = new Promise<never>(() => {});
    const raced = raceAbort(never, controller.signal, 'waiting');
    controller.abort();
    await expect(raced).rejects.toThrow('waiting was stopped: cancelled');
    await expect(raceAbort(never, abortedSignal(), 'x')).rejects.toBeInstanceOf(AbortedError);
  });
});

describe('sleepUnlessAborted', () => {
  it('sleeps, or stops at the abort', async () => {
    await expect(sleepUnlessAborted(1, undefined, 'x')).resolves.toBeUndefined();
    const controller = new AbortController();
    const sleeping = sleepUnlessAborted(60_000, controller.signal, 'backing off');
    controller.abort();
    await expect(sleeping).rejects.toBeInstanceOf(AbortedError);
  });
});

describe('deadlines', () => {
  it('remainingMs: time left, never negative, Infinity without a deadline', () => {
    expect(remainingMs(1500, 1000)).toBe(500);
    expect(remainingMs(1000, 1500)).toBe(0);
    expect(remainingMs(undefined)).toBe(Number.POSITIVE_INFINITY);
  });

  it('deadlineSignal fires at the deadline with a timeout reason', async () => {
    const signal = deadlineSignal(Date.now() + 30);
    expect(signal.aborted).toBe(false);
    await fired(signal);
    expect(abortedError(signal, 'x').timedOut).toBe(true);
  });

  it('deadlineSignal fires with its parent, before the deadline', () => {
    const parent = new AbortController();
    const signal = deadlineSignal(Date.now() + 60_000, parent.signal);
    parent.abort();
    expect(signal.aborted).toBe(true);
    expect(abortedError(signal, 'x').timedOut).toBe(false);
  });

  it('a deadline already past fires at once (on the next turn)', async () => {
    const signal = deadlineSignal(Date.now() - 1000);
    await fired(signal);
    expect(signal.aborted).toBe(true);
  });

  it('anySignal combines the signals given', () => {
    expect(anySignal()).toBeUndefined();
    const one = new AbortController();
    expect(anySignal(undefined, one.signal)).toBe(one.signal);
    const two = new AbortController();
    const both = anySignal(one.signal, two.signal) as AbortSignal;
    two.abort();
    expect(both.aborted).toBe(true);
  });
});

function abortedSignal(): AbortSignal {
  const controller = new AbortController();
  controller.abort();
  return controller.signal;
}
