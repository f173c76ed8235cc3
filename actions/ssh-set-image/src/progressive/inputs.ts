/*
 * The inputs of a canary or blue/green deploy, checked before anything connects. Prometheus is reached at
 * `prometheus-url` from the runner, or at `prometheus-address` as the node sees it, through the SSH
 * connection (a forwarded port): the way kubectl is reached.
 */
import {
  ConfigurationError,
  getDurationInput,
  getEnumInput,
  getIntegerInput,
  getListInput,
  getOptionalInput,
  maskSecret,
} from '../../../lib/src/index.js';
import { DNS1123_LABEL_EXPECTED, isDns1123Label } from '../../../lib/src/kubectl/index.js';
import {
  type AnalysisSettings,
  FILTER_EXPECTED,
  isLabelName,
  isMatcherList,
  isMetricName,
  LABEL_NAME_EXPECTED,
  METRIC_NAME_EXPECTED,
} from './analysis.js';
import { STRATEGIES, type Strategy } from './plan.js';

export type PrometheusLocation = { url: string } | { host: string; port: number };

export interface ProgressiveInputs {
  strategy: Exclude<Strategy, 'rolling'>;
  /** Canary weights, 0..1, in order. */
  weights: number[];
  service: string;
  prometheus: PrometheusLocation;
  analysis: AnalysisSettings;
  stepMs: number;
  intervalMs: number;
  readyTimeoutMs: number;
}

export const DEFAULT_FILTER = 'route!~"/health|/ready|/metrics"';

function ratioInput(name: string, fallback: number): number {
  const value = getOptionalInput(name);
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || number < 0 || number > 1) {
    throw ConfigurationError.invalidInput(name, value, 'a share from 0 to 1, e.g. 0.01 for 1 %');
  }
  return number;
}

function weightsInput(): number[] {
  const steps = getListInput('canary-steps');
  if (steps.length === 0) return [0.1, 0.5];
  let previous = 0;
  return steps.map((step) => {
    const percent = Number(step.replace(/%$/, ''));
    if (!/^\d+%?$/.test(step) || percent < 1 || percent > 99 || percent <= previous) {
      throw ConfigurationError.invalidInput(
        'canary-steps',
        step,
        'rising percentages from 1 to 99, e.g. 10,50 (the canary is promoted to 100 % after the last)',
      );
    }
    previous = percent;
    return percent / 100;
  });
}

function prometheusInput(): PrometheusLocation {
  const url = getOptionalInput('prometheus-url');
  const address = getOptionalInput('prometheus-address');
  if ((url === undefined) === (address === undefined)) {
    throw new ConfigurationError(
      "A canary or blue-green deploy reads the new version's figures from Prometheus: set prometheus-url (reached from the runner) or prometheus-address (host:port as the node sees it, reached through the SSH connection), not both.",
    );
  }
  if (url !== undefined) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw ConfigurationError.invalidInput('prometheus-url', url, 'an http:// or https:// URL');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw ConfigurationError.invalidInput('prometheus-url', url, 'an http:// or https:// URL');
    }
    // Credentials in the URL stay out of the log.
    if (parsed.password) maskSecret(decodeURIComponent(parsed.password));
    return { url };
  }
  const match = /^(?<host>[A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(?<port>\d{1,5})$/.exec(address as string);
  const port = Number(match?.groups?.port);
  if (!match || port < 1 || port > 65535) {
    throw ConfigurationError.invalidInput(
      'prometheus-address',
      address as string,
      'host:port as the node sees it, e.g. 127.0.0.1:9090',
    );
  }
  return { host: String(match.groups?.host).replace(/^\[|\]$/g, ''), port };
}

function nameInput(name: string, fallback: string, check: (v: string) => boolean, expected: string): string {
  const value = getOptionalInput(name) ?? fallback;
  if (!check(value)) throw ConfigurationError.invalidInput(name, value, expected);
  return value;
}

/** The strategy, and for canary and blue-green everything it needs; undefined for a rolling update. */
export function getProgressiveInputs(deployment: string): ProgressiveInputs | undefined {
  const strategy = getEnumInput('strategy', STRATEGIES, 'rolling');
  if (strategy === 'rolling') return undefined;
  const filter = getOptionalInput('analysis-filter') ?? DEFAULT_FILTER;
  if (!isMatcherList(filter))
    throw ConfigurationError.invalidInput('analysis-filter', filter, FILTER_EXPECTED);
  const stepMs = getDurationInput('step-duration', 60_000, { minMs: 5000, maxMs: 3_600_000 });
  return {
    strategy,
    weights: strategy === 'canary' ? weightsInput() : [],
    service: nameInput('service', deployment.split('.')[0] as string, isDns1123Label, DNS1123_LABEL_EXPECTED),
    prometheus: prometheusInput(),
    analysis: {
      maxErrorRatio: ratioInput('max-error-ratio', 0.01),
      maxP99Seconds: getDurationInput('max-p99', 500, { minMs: 1, maxMs: 600_000 }) / 1000,
      minRequests: getIntegerInput('min-requests', 50, { min: 1, max: 10_000_000 }),
      requestsMetric: nameInput('requests-metric', 'http_requests_total', isMetricName, METRIC_NAME_EXPECTED),
      durationMetric: nameInput(
        'duration-metric',
        'http_request_duration_seconds',
        isMetricName,
        METRIC_NAME_EXPECTED,
      ),
      statusLabel: nameInput('status-label', 'status_code', isLabelName, LABEL_NAME_EXPECTED),
      filter,
    },
    stepMs,
    intervalMs: Math.min(
      stepMs,
      getDurationInput('analysis-interval', 5000, { minMs: 1000, maxMs: 600_000 }),
    ),
    readyTimeoutMs: getDurationInput('ready-timeout', 300_000, { minMs: 10_000, maxMs: 3_600_000 }),
  };
}
