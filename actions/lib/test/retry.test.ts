import { describe, expect, it } from 'vitest';
import { backoffDelay, retry } from '../src/retry.js';

function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe('backoffDelay()', () => {
  it('doubles from baseMs up to maxMs without jitter', () => {
    const delays = [1, 2, 3, 4, 5, 6].map((n) =>
      backoffDelay(n, { baseMs: 100, maxMs: 1000, jitter: 'none' }),
    );
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('with full jitter waits random × cap', () => {
    expect(backoffDelay(3, { baseMs: 100, maxMs: 10_000, random: () => 0.5 })).toBe(200);
    expect(backoffDelay(3, { baseMs: 100, maxMs: 10_000, random: () => 0 })).toBe(0);
    expect(backoffDelay(20, { baseMs: 100, maxMs: 10_000, random: () => 0.999 })).toBe(9990);
  });
});

describe('retry()', () => {
  it('returns the first success and waits between failures', async () => {
    const { waits, sleep } = recordingSleep();
    const attempts: number[] = [];
    const result = await retry(
      async (attempt) => {
        attempts.push(attempt);
        if (attempt < 3) throw new Error(`fail ${attempt}`);
        return 'ok';
      },
      { attempts: 5, baseMs: 100, maxMs: 1000, jitter: 'none', sleep },
    );
    expect(result).toBe('ok');
    expect(attempts).toEqual([1, 2, 3]);
    expect(waits).toEqual([100, 200]);
  });

  it('throws the last error once the attempts are used up', async () => {
    const { waits, sleep } = recordingSleep();
    const retried: number[] = [];
    await expect(
      retry(
        async (attempt) => {
          throw new Error(`fail ${attempt}`);
        },
        {
          attempts: 3,
          baseMs: 10,
          maxMs: 100,
          random: () => 0.5,
          sleep,
          onRetry: (_e, n) => retried.push(n),
        },
      ),
    ).rejects.toThrow('fail 3');
    expect(waits).toEqual([5, 10]);
    expect(retried).toEqual([1, 2]);
  });

  it('stops at once on an error that is not retryable', async () => {
    const { waits, sleep } = recordingSleep();
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw new Error('denied');
        },
        { attempts: 5, baseMs: 10, maxMs: 100, sleep, isRetryable: (e) => (e as Error).message !== 'denied' },
      ),
    ).rejects.toThrow('denied');
    expect(calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it('rejects a nonsensical attempt count', async () => {
    await expect(retry(async () => 1, { attempts: 0, baseMs: 1, maxMs: 1 })).rejects.toThrow(
      'attempts must be an integer >= 1, got 0',
    );
  });
});
