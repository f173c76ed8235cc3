import { describe, expect, it } from 'vitest';
import { PrometheusError, type PrometheusQuery } from '../../../lib/src/prometheus/index.js';
import { analysisQueries, isMatcherList, judge, measure } from '../../src/progressive/analysis.js';
import { observeStep } from '../../src/progressive/observe-step.js';
import { FakeClock, testAnalysisSettings } from './fake-cluster.js';

const settings = testAnalysisSettings;

/** Answers the three queries of a look from `figures(elapsed seconds)`. */
function prometheus(
  figures: (windowSeconds: number) => [number?, number?, number?],
): PrometheusQuery & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async scalar(promql) {
      asked.push(promql);
      const window = Number(/\[(\d+)s\]/.exec(promql)?.[1]);
      const [requests, errors, p99] = figures(window);
      if (promql.startsWith('histogram_quantile')) return p99;
      return promql.includes('status_code=~"5.."') ? errors : requests;
    },
  };
}

describe('the queries of a look at the new version', () => {
  it('select its pods by name in its namespace, user traffic only', () => {
    const queries = analysisQueries({ namespace: 'shop-prod', deployment: 'api.v2-canary' }, settings, 30.4);
    const selector =
      'namespace="shop-prod",pod=~"api\\\\.v2-canary-[a-z0-9]+-[a-z0-9]+",route!~"/health|/ready|/metrics"';
    expect(queries).toEqual({
      requests: `sum(increase(http_requests_total{${selector}}[30s]))`,
      errors: `sum(increase(http_requests_total{${selector},status_code=~"5.."}[30s]))`,
      p99: `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{${selector}}[30s])))`,
    });
  });

  it('accept only label matchers as the filter, so it cannot end the selector', () => {
    expect(isMatcherList('route!~"/health|/ready", method="GET"')).toBe(true);
    expect(isMatcherList('')).toBe(true);
    expect(isMatcherList('route="/"}) or vector(1) #')).toBe(false);
    expect(isMatcherList('route="a\\"b"')).toBe(true);
  });

  it('round the extrapolated counts and never report more errors than requests', async () => {
    const figures = await measure(
      prometheus(() => [99.6, 120, 0.2]),
      { namespace: 'a', deployment: 'b' },
      settings,
      30,
    );
    expect(figures).toEqual({ requests: 100, errors: 100, errorRatio: 1, p99Seconds: 0.2 });
    const none = await measure(
      prometheus(() => []),
      { namespace: 'a', deployment: 'b' },
      settings,
      30,
    );
    expect(none).toEqual({ requests: 0, errors: 0, errorRatio: undefined, p99Seconds: undefined });
  });
});

describe('the verdict', () => {
  it('is no pass without enough requests', () => {
    expect(judge({ requests: 49, errors: 0, errorRatio: 0, p99Seconds: 0.01 }, settings)).toEqual({
      outcome: 'too-few-requests',
      reasons: ['49 requests reached the new version; at least 50 are needed to judge it'],
    });
  });

  it('names each figure over its threshold', () => {
    expect(judge({ requests: 200, errors: 20, errorRatio: 0.1, p99Seconds: 0.8 }, settings)).toEqual({
      outcome: 'fail',
      reasons: ['error ratio 10.00 % (20 of 200) is over 1.00 %', 'p99 latency 800 ms is over 500 ms'],
    });
  });

  it('passes figures at the thresholds', () => {
    expect(judge({ requests: 100, errors: 1, errorRatio: 0.01, p99Seconds: 0.5 }, settings)).toEqual({
      outcome: 'pass',
    });
  });
});

describe('watching a step', () => {
  const pods = { namespace: 'shop', deployment: 'api-canary' };
  const step = { pods, settings, stepMs: 60_000, intervalMs: 5000, label: 'canary 10 %' };

  it('fails as soon as enough requests show the errors, long before the window ends', async () => {
    const clock = new FakeClock();
    const outcome = await observeStep({
      ...step,
      clock,
      prometheus: prometheus((w) => [w * 10, w * 3, 0.05]),
    });
    expect(outcome.verdict.outcome).toBe('fail');
    expect(outcome.seconds).toBe(5);
    expect(outcome.figures).toMatchObject({ requests: 50, errors: 15 });
  });

  it('passes only at the end of the window', async () => {
    const clock = new FakeClock();
    const source = prometheus((w) => [w * 10, 0, 0.05]);
    const outcome = await observeStep({ ...step, clock, prometheus: source });
    expect(outcome).toMatchObject({ verdict: { outcome: 'pass' }, seconds: 60, figures: { requests: 600 } });
    expect(source.asked).toHaveLength(12 * 3);
  });

  it('ends without a pass when too few requests came', async () => {
    const outcome = await observeStep({
      ...step,
      clock: new FakeClock(),
      prometheus: prometheus(() => [3, 0, 0.01]),
    });
    expect(outcome.verdict.outcome).toBe('too-few-requests');
  });

  it('asks again after Prometheus was briefly away, and stops on a refused query', async () => {
    let calls = 0;
    const flaky: PrometheusQuery = {
      async scalar() {
        calls++;
        if (calls <= 3) throw new PrometheusError('Prometheus at x did not answer: ECONNRESET', true);
        return 100;
      },
    };
    const outcome = await observeStep({ ...step, clock: new FakeClock(), prometheus: flaky });
    expect(outcome.verdict.outcome).toBe('fail');
    const refused: PrometheusQuery = {
      async scalar() {
        throw new PrometheusError('Prometheus refused it: parse error', false);
      },
    };
    await expect(observeStep({ ...step, clock: new FakeClock(), prometheus: refused })).rejects.toThrow(
      'parse error',
    );
  });
});
