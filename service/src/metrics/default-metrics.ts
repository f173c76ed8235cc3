import { collectDefaultMetrics, type Registry } from 'prom-client';

/**
 * prom-client's process and Node.js defaults, minus the three gauges it names `nodejs_active_*_total`.
 * A `_total` suffix is reserved for counters (Prometheus naming rules, OpenMetrics), so `promtool check
 * metrics` rejects those gauges and OpenMetrics parsers would take them for counters. Nothing is lost by
 * dropping them: each is the sum of its per-type companion gauge (`nodejs_active_handles{type}` and so on),
 * which stays, so `sum(nodejs_active_handles)` gives the same figure in PromQL.
 */
export const NON_COMPLIANT_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
] as const;

export function registerDefaultMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
  for (const name of NON_COMPLIANT_DEFAULTS) registry.removeSingleMetric(name);
}
