import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { buildDashboard, dashboardQueriesAsPromql } from '../src/dashboard.js';
import { monitoringDir } from '../src/paths.js';
import { promtool } from '../src/promtool.js';
import { repoRootFromK8s } from './support/repo.js';

const rulesFile = join(monitoringDir, 'rules', 'metrics-api.rules.yaml');
const testsDir = join(monitoringDir, 'tests');
const ruleTests = readdirSync(testsDir).filter((f) => f.endsWith('.test.yaml'));

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
}
const rules = (parse(readFileSync(rulesFile, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap(
  (g) => g.rules,
);
const alertNames = rules.flatMap((r) => (r.alert ? [r.alert] : []));

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'k8s-ship-promtool-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('SLO rules', () => {
  it('pass promtool check rules', async () => {
    const result = await promtool(['check', 'rules', rulesFile]);
    expect(result.output).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(result.exitCode).toBe(0);
  });

  it('promtool check rules does fail on a broken expression (the check above can fail)', async () => {
    const broken = join(scratch, 'broken.rules.yaml');
    await writeFile(
      broken,
      stringify({ groups: [{ name: 'g', rules: [{ record: 'x:y', expr: 'sum(rate(foo[5m])' }] }] }),
    );
    const result = await promtool(['check', 'rules', broken]);
    expect(result.exitCode).not.toBe(0);
  });

  it('pass their promtool unit tests (k8s/monitoring/tests)', async () => {
    expect(ruleTests.length).toBeGreaterThanOrEqual(3);
    const result = await promtool(['test', 'rules', ...ruleTests], testsDir);
    expect(result.output).not.toContain('FAILED');
    expect(result.exitCode).toBe(0);
  }, 30_000);

  it('cover availability 99.9 %, p99 latency under 300 ms and the error rate', () => {
    expect(alertNames).toEqual(
      expect.arrayContaining([
        'MetricsApiErrorBudgetBurnFast',
        'MetricsApiErrorBudgetBurnSlow',
        'MetricsApiLatencyP99High',
        'MetricsApiHighErrorRate',
      ]),
    );
    const latency = rules.find((r) => r.alert === 'MetricsApiLatencyP99High')!;
    expect(latency.expr).toMatch(/p99_rate5m > 0\.3\b/);
    expect(
      rules.find((r) => r.record === 'metrics_api:http_request_duration_seconds:p99_rate5m')!.expr,
    ).toMatch(/histogram_quantile\(0\.99,/);
    expect(rules.find((r) => r.alert === 'MetricsApiErrorBudgetBurnFast')!.expr).toContain('(14.4 * 0.001)');
  });

  it('each alert has a unit test that fires it and one that keeps it silent', () => {
    const cases = ruleTests.flatMap((file) => {
      const suite = parse(readFileSync(join(testsDir, file), 'utf8')) as {
        tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
      };
      return suite.tests.flatMap((t) => t.alert_rule_test ?? []);
    });
    for (const alert of alertNames) {
      const mine = cases.filter((c) => c.alertname === alert);
      expect(
        mine.some((c) => (c.exp_alerts ?? []).length > 0),
        `${alert} fires in some test`,
      ).toBe(true);
      expect(
        mine.some((c) => (c.exp_alerts ?? []).length === 0),
        `${alert} stays silent in some test`,
      ).toBe(true);
    }
  });
});

describe('Grafana dashboard', () => {
  it('has rows for requests, latency, errors, system, container and TCP latency, panels on a 24-column grid', () => {
    const panels = buildDashboard().panels as {
      id: number;
      type: string;
      title: string;
      gridPos: { x: number; w: number };
    }[];
    const rows = panels.filter((p) => p.type === 'row').map((p) => p.title.split(' ')[0]);
    expect(rows).toEqual(['Requests', 'Latency', 'Errors', 'System', 'Container', 'TCP']);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    expect(panels.filter((p) => p.gridPos.x + p.gridPos.w > 24)).toEqual([]);
  });

  it('has only queries that promtool parses', async () => {
    const queries = dashboardQueriesAsPromql();
    expect(queries.length).toBeGreaterThan(15);
    const file = join(scratch, 'dashboard-queries.rules.yaml');
    const asRules = queries.map((expr, i) => ({ record: `dashboard:query:${i}`, expr }));
    await writeFile(file, stringify({ groups: [{ name: 'dashboard', rules: asRules }] }));
    const result = await promtool(['check', 'rules', file]);
    expect(result.output).toContain(`SUCCESS: ${queries.length} rules found`);
  });
});

describe('metric names in rules and dashboard', () => {
  // Read from the code that exports them, so that a renamed metric breaks this test, not a 3 a.m. page.
  const serviceSource = readdirSync(join(repoRootFromK8s, 'service', 'src'), {
    recursive: true,
    encoding: 'utf8',
  })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(join(repoRootFromK8s, 'service', 'src', f), 'utf8'))
    .join('\n');
  const promClientSource = readdirSync(join(repoRootFromK8s, 'node_modules', 'prom-client', 'lib', 'metrics'))
    .filter((f) => f.endsWith('.js'))
    .map((f) =>
      readFileSync(join(repoRootFromK8s, 'node_modules', 'prom-client', 'lib', 'metrics', f), 'utf8'),
    )
    .join('\n');
  const recorded = new Set(rules.flatMap((r) => (r.record ? [r.record] : [])));
  const expressions = [...rules.map((r) => r.expr), ...dashboardQueriesAsPromql()];
  const names = new Set(
    expressions.flatMap((e) => [...e.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map((m) => m[1]!)),
  );

  it.each([...names].sort())(
    '%s is exported by the service, prom-client, Prometheus or a recording rule',
    (name) => {
      const base = name.replace(/_(bucket|count|sum)$/, '');
      const known =
        recorded.has(name) ||
        name === 'up' ||
        serviceSource.includes(`'${base}'`) ||
        promClientSource.includes(`'${base}'`);
      expect(known, `${name} is not exported by anything this repository runs`).toBe(true);
    },
  );
});

describe('plain Prometheus scrape config', () => {
  const configFile = join(monitoringDir, 'prometheus', 'prometheus.yml');
  const config = parse(readFileSync(configFile, 'utf8')) as {
    rule_files: string[];
    scrape_configs: {
      job_name: string;
      kubernetes_sd_configs: { role: string }[];
      relabel_configs: Record<string, unknown>[];
    }[];
  };
  const [job] = config.scrape_configs;

  // Debian's Prometheus 2.42 is built without Kubernetes service discovery, so its promtool rejects any
  // kubernetes_sd_configs block. promtool checks everything else (globals, rule files, relabelling) on a
  // copy whose discovery is swapped for a static target; the discovery block is checked below.
  it('passes promtool check config, rule files included, with discovery swapped for a static target', async () => {
    const dir = join(scratch, 'config-check');
    await mkdir(join(dir, 'prometheus'), { recursive: true });
    await mkdir(join(dir, 'rules'), { recursive: true });
    await writeFile(join(dir, 'rules', 'metrics-api.rules.yaml'), readFileSync(rulesFile, 'utf8'));
    const copy = structuredClone(config) as unknown as { scrape_configs: Record<string, unknown>[] };
    for (const scrape of copy.scrape_configs) {
      delete scrape.kubernetes_sd_configs;
      scrape.static_configs = [{ targets: ['127.0.0.1:8000'] }];
    }
    await writeFile(join(dir, 'prometheus', 'prometheus.yml'), stringify(copy));
    const result = await promtool(['check', 'config', join(dir, 'prometheus', 'prometheus.yml')]);
    expect(result.output).toContain('SUCCESS');
    expect(result.output).toContain('SUCCESS: 14 rules found');
    expect(result.exitCode).toBe(0);
  });

  it('discovers EndpointSlices and keeps only the metrics-api Service port named http', () => {
    expect(job?.job_name).toBe('metrics-api');
    expect(job?.kubernetes_sd_configs).toEqual([{ role: 'endpointslice' }]);
    const keeps = job!.relabel_configs.filter((r) => r.action === 'keep');
    expect(keeps).toEqual([
      {
        source_labels: ['__meta_kubernetes_service_label_app_kubernetes_io_name'],
        regex: 'metrics-api',
        action: 'keep',
      },
      { source_labels: ['__meta_kubernetes_endpointslice_port_name'], regex: 'http', action: 'keep' },
    ]);
  });

  it('relabels only from meta labels that the endpointslice role provides', () => {
    const provided =
      /^__meta_kubernetes_(namespace|endpointslice_[a-z_]+|service_(name|label_[a-z0-9_]+)|pod_(name|node_name|label_[a-z0-9_]+))$/;
    const sources = job!.relabel_configs.flatMap((r) => (r.source_labels as string[]) ?? []);
    expect(sources.filter((s) => !provided.test(s))).toEqual([]);
    expect(job!.relabel_configs.map((r) => r.target_label).filter(Boolean)).toEqual([
      'namespace',
      'pod',
      'service',
      'node',
    ]);
  });
});
