/*
 * What the new version's own traffic says: its request count, error ratio (5xx / all) and p99 latency over
 * a window, read from Prometheus by the pods' names (the new version runs as its own Deployment), and the
 * verdict against the thresholds. No data is never a pass: below the minimum request count the step waits,
 * and at its end fails.
 */
import type { PrometheusQuery } from '../../../lib/src/prometheus/index.js';

export interface AnalysisSettings {
  /** Highest share of 5xx answers that passes, 0..1. */
  maxErrorRatio: number;
  /** Highest p99 latency that passes, in seconds. */
  maxP99Seconds: number;
  /** Fewer requests than this in the window are too few to judge. */
  minRequests: number;
  /** The counter of answers, with a status label (prom-client's convention by default). */
  requestsMetric: string;
  statusLabel: string;
  /** The latency histogram's base name (`<name>_bucket` is queried). */
  durationMetric: string;
  /** Extra label matchers for user traffic, e.g. `route!~"/health|/ready|/metrics"`; '' for none. */
  filter: string;
}

/** The Deployment whose pods are the new version. */
export interface AnalysedPods {
  namespace: string;
  deployment: string;
}

export interface Figures {
  requests: number;
  errors: number;
  /** errors / requests; undefined without requests. */
  errorRatio: number | undefined;
  /** undefined without observations. */
  p99Seconds: number | undefined;
}

export type Verdict =
  | { outcome: 'pass' }
  | { outcome: 'fail'; reasons: string[] }
  | { outcome: 'too-few-requests'; reasons: string[] };

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const MATCHER = String.raw`\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(?:=~|!~|!=|=)\s*"(?:[^"\\]|\\.)*"\s*`;
const MATCHERS = new RegExp(`^(?:${MATCHER}(?:,${MATCHER})*)?$`);

export const METRIC_NAME_EXPECTED = 'a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)';
export const LABEL_NAME_EXPECTED = 'a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)';
export const FILTER_EXPECTED = 'comma-separated label matchers, e.g. route!~"/health|/ready|/metrics"';

export const isMetricName = (value: string): boolean => METRIC_NAME.test(value);
export const isLabelName = (value: string): boolean => LABEL_NAME.test(value);
export const isMatcherList = (value: string): boolean => MATCHERS.test(value);

/** A regex for the pods of one Deployment (`<name>-<template hash>-<suffix>`), as a PromQL string body. */
function podPattern(deployment: string): string {
  // Names are DNS subdomains: `.` is the one regex character they may hold; PromQL strings need `\\`.
  return `${deployment.replaceAll('.', '\\\\.')}-[a-z0-9]+-[a-z0-9]+`;
}

/** The three queries of one look, over the last `windowSeconds`. */
export function analysisQueries(
  pods: AnalysedPods,
  settings: AnalysisSettings,
  windowSeconds: number,
): { requests: string; errors: string; p99: string } {
  const window = `${Math.max(1, Math.round(windowSeconds))}s`;
  const matchers = [`namespace="${pods.namespace}"`, `pod=~"${podPattern(pods.deployment)}"`];
  if (settings.filter.trim()) matchers.push(settings.filter.trim());
  const selector = matchers.join(',');
  const { requestsMetric: requests, durationMetric: duration, statusLabel: status } = settings;
  return {
    requests: `sum(increase(${requests}{${selector}}[${window}]))`,
    errors: `sum(increase(${requests}{${selector},${status}=~"5.."}[${window}]))`,
    p99: `histogram_quantile(0.99, sum by (le) (rate(${duration}_bucket{${selector}}[${window}])))`,
  };
}

/** Reads the new version's figures over the window. */
export async function measure(
  prometheus: PrometheusQuery,
  pods: AnalysedPods,
  settings: AnalysisSettings,
  windowSeconds: number,
  signal?: AbortSignal,
): Promise<Figures> {
  const queries = analysisQueries(pods, settings, windowSeconds);
  const [requests, errors, p99] = await Promise.all([
    prometheus.scalar(queries.requests, signal),
    prometheus.scalar(queries.errors, signal),
    prometheus.scalar(queries.p99, signal),
  ]);
  // increase() extrapolates: round to whole requests, and never more errors than requests.
  const total = Math.round(requests ?? 0);
  const failed = Math.min(total, Math.round(errors ?? 0));
  return {
    requests: total,
    errors: failed,
    errorRatio: total > 0 ? failed / total : undefined,
    p99Seconds: total > 0 ? p99 : undefined,
  };
}

/** A ratio as the log, the errors and the summary show it: `1.25 %`. */
export const percent = (ratio: number, digits = 2): string => `${(ratio * 100).toFixed(digits)} %`;
/** Seconds as milliseconds: `480 ms`. */
export const millis = (seconds: number): string => `${Math.round(seconds * 1000)} ms`;

/** The figures against the thresholds. */
export function judge(figures: Figures, settings: AnalysisSettings): Verdict {
  if (figures.requests < settings.minRequests) {
    return {
      outcome: 'too-few-requests',
      reasons: [
        `${figures.requests} requests reached the new version; at least ${settings.minRequests} are needed to judge it`,
      ],
    };
  }
  const reasons: string[] = [];
  if (figures.errorRatio !== undefined && figures.errorRatio > settings.maxErrorRatio) {
    reasons.push(
      `error ratio ${percent(figures.errorRatio)} (${figures.errors} of ${figures.requests}) is over ${percent(settings.maxErrorRatio)}`,
    );
  }
  if (figures.p99Seconds !== undefined && figures.p99Seconds > settings.maxP99Seconds) {
    reasons.push(`p99 latency ${millis(figures.p99Seconds)} is over ${millis(settings.maxP99Seconds)}`);
  }
  return reasons.length > 0 ? { outcome: 'fail', reasons } : { outcome: 'pass' };
}
