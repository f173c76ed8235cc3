import { parse, stringify } from 'yaml';

/**
 * Wraps the plain rule file (what promtool tests and a Prometheus without the operator loads) in the
 * operator's PrometheusRule, so that both carry the very same groups.
 */
export function buildPrometheusRule(rulesFileText: string): Record<string, unknown> {
  const rules = parse(rulesFileText) as { groups?: unknown };
  if (!Array.isArray(rules?.groups) || rules.groups.length === 0) {
    throw new Error('Invalid rule file: expected a top-level `groups:` list with at least one group.');
  }
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: 'metrics-api-slo',
      labels: { 'app.kubernetes.io/name': 'metrics-api', 'app.kubernetes.io/part-of': 'k8s-ship' },
    },
    spec: { groups: rules.groups },
  };
}

export function prometheusRuleYaml(rulesFileText: string): string {
  const header =
    '# Generated from rules/metrics-api.rules.yaml by `npm run k8s:golden`: edit that file, not this one.\n';
  return header + stringify(buildPrometheusRule(rulesFileText), { lineWidth: 0 });
}
