/**
 * The Grafana dashboard, built here rather than hand-edited so that every query sits in one readable list
 * and the tests can check each one with promtool. `npm run k8s:golden` writes
 * k8s/monitoring/dashboards/metrics-api.json from it.
 */

export interface PanelSpec {
  title: string;
  unit: string;
  /** PromQL with Grafana's variables: $namespace, $__rate_interval. */
  queries: { expr: string; legend: string }[];
  kind?: 'timeseries' | 'stat';
  /** A red threshold line, e.g. the 300 ms latency target. */
  threshold?: number;
}

export interface RowSpec {
  title: string;
  panels: PanelSpec[];
}

const SEL = 'job="metrics-api", namespace=~"$namespace"';
// The SLI leaves out probes and scrapes, exactly as the alerting rules do.
const USER = `${SEL}, route!~"/health|/ready|/metrics"`;

export const DASHBOARD_ROWS: RowSpec[] = [
  {
    title: 'Requests',
    panels: [
      {
        title: 'Requests per second by route',
        unit: 'reqps',
        queries: [
          {
            expr: `sum by (route) (rate(http_requests_total{${SEL}}[$__rate_interval]))`,
            legend: '{{route}}',
          },
        ],
      },
      {
        title: 'Requests per second by status',
        unit: 'reqps',
        queries: [
          {
            expr: `sum by (status_code) (rate(http_requests_total{${SEL}}[$__rate_interval]))`,
            legend: '{{status_code}}',
          },
        ],
      },
      {
        title: 'Availability (30 days, SLO 99.9 %)',
        unit: 'percentunit',
        kind: 'stat',
        queries: [
          {
            expr: `1 - (sum(increase(http_requests_total{${USER}, status_code=~"5.."}[30d])) / sum(increase(http_requests_total{${USER}}[30d])))`,
            legend: 'availability',
          },
        ],
      },
    ],
  },
  {
    title: 'Latency',
    panels: [
      {
        title: 'Latency percentiles (SLO: p99 < 300 ms)',
        unit: 's',
        threshold: 0.3,
        queries: [0.5, 0.9, 0.99].map((q) => ({
          expr: `histogram_quantile(${q}, sum by (le) (rate(http_request_duration_seconds_bucket{${USER}}[$__rate_interval])))`,
          legend: `p${q * 100}`,
        })),
      },
      {
        title: 'p99 latency by route',
        unit: 's',
        threshold: 0.3,
        queries: [
          {
            expr: `histogram_quantile(0.99, sum by (route, le) (rate(http_request_duration_seconds_bucket{${SEL}}[$__rate_interval])))`,
            legend: '{{route}}',
          },
        ],
      },
    ],
  },
  {
    title: 'Errors',
    panels: [
      {
        title: '5xx ratio (error budget: 0.1 %)',
        unit: 'percentunit',
        threshold: 0.001,
        queries: [
          { expr: 'metrics_api:http_errors:ratio_rate5m{namespace=~"$namespace"}', legend: '{{namespace}}' },
        ],
      },
      {
        title: 'Errors per second by route and status',
        unit: 'reqps',
        queries: [
          {
            expr: `sum by (route, status_code) (rate(http_requests_total{${SEL}, status_code=~"[45].."}[$__rate_interval]))`,
            legend: '{{route}} {{status_code}}',
          },
        ],
      },
    ],
  },
  {
    title: 'System (the node each pod runs on)',
    panels: [
      {
        title: 'Host CPU busy',
        unit: 'percentunit',
        queries: [{ expr: `max by (pod) (system_cpu_usage_ratio{${SEL}})`, legend: '{{pod}}' }],
      },
      {
        title: 'Host memory used',
        unit: 'percentunit',
        queries: [
          {
            expr: `max by (pod) (system_memory_used_bytes{${SEL}} / system_memory_total_bytes{${SEL}})`,
            legend: '{{pod}}',
          },
        ],
      },
      {
        title: 'Disk used',
        unit: 'percentunit',
        queries: [
          {
            expr: `max by (pod, path) (system_filesystem_used_bytes{${SEL}} / system_filesystem_size_bytes{${SEL}})`,
            legend: '{{pod}} {{path}}',
          },
        ],
      },
      {
        title: 'Load average',
        unit: 'short',
        queries: ['1', '5', '15'].map((m) => ({
          expr: `max by (pod) (system_load${m}{${SEL}})`,
          legend: `{{pod}} ${m}m`,
        })),
      },
    ],
  },
  {
    title: 'Container (each pod against its limits)',
    panels: [
      {
        title: 'CPU used against the quota',
        unit: 'percentunit',
        queries: [
          {
            expr: `rate(cgroup_cpu_usage_seconds_total{${SEL}}[$__rate_interval]) / on (namespace, pod) cgroup_cpu_quota_cores{${SEL}}`,
            legend: '{{pod}}',
          },
        ],
      },
      {
        title: 'Memory working set against the limit',
        unit: 'percentunit',
        queries: [
          {
            expr: `cgroup_memory_working_set_bytes{${SEL}} / on (namespace, pod) cgroup_memory_limit_bytes{${SEL}}`,
            legend: '{{pod}}',
          },
        ],
      },
      {
        title: 'Node.js heap used',
        unit: 'bytes',
        queries: [{ expr: `nodejs_heap_size_used_bytes{${SEL}}`, legend: '{{pod}}' }],
      },
      {
        title: 'Event loop lag p99',
        unit: 's',
        queries: [{ expr: `nodejs_eventloop_lag_p99_seconds{${SEL}}`, legend: '{{pod}}' }],
      },
    ],
  },
  {
    title: 'TCP latency targets',
    panels: [
      {
        title: 'TCP handshake time',
        unit: 's',
        queries: [{ expr: `max by (host, port) (tcp_latency_seconds{${SEL}})`, legend: '{{host}}:{{port}}' }],
      },
      {
        title: 'Targets reachable (share of pods)',
        unit: 'percentunit',
        queries: [{ expr: `avg by (host, port) (tcp_up{${SEL}})`, legend: '{{host}}:{{port}}' }],
      },
    ],
  },
];

// Grafana's own variable syntax, not a JavaScript template: the dashboard follows the chosen data source.
const DATASOURCE = { type: 'prometheus', uid: '$' + '{datasource}' };

const PANEL_WIDTH = 8;
const PANEL_HEIGHT = 8;

function panelJson(panel: PanelSpec, id: number, x: number, y: number): Record<string, unknown> {
  const thresholds = [
    { color: 'green', value: null },
    ...(panel.threshold !== undefined ? [{ color: 'red', value: panel.threshold }] : []),
  ];
  return {
    id,
    type: panel.kind ?? 'timeseries',
    title: panel.title,
    datasource: DATASOURCE,
    gridPos: { h: PANEL_HEIGHT, w: PANEL_WIDTH, x, y },
    fieldConfig: {
      defaults: {
        unit: panel.unit,
        thresholds: { mode: 'absolute', steps: thresholds },
        ...(panel.threshold !== undefined && (panel.kind ?? 'timeseries') === 'timeseries'
          ? { custom: { thresholdsStyle: { mode: 'line' } } }
          : {}),
      },
      overrides: [],
    },
    targets: panel.queries.map((q, i) => ({
      refId: String.fromCharCode(65 + i),
      datasource: DATASOURCE,
      expr: q.expr,
      legendFormat: q.legend,
    })),
  };
}

/** The dashboard as Grafana imports it (schema 39), with a data source and a namespace variable. */
export function buildDashboard(rows: RowSpec[] = DASHBOARD_ROWS): Record<string, unknown> {
  const panels: Record<string, unknown>[] = [];
  let id = 1;
  let y = 0;
  for (const row of rows) {
    panels.push({
      id: id++,
      type: 'row',
      title: row.title,
      collapsed: false,
      gridPos: { h: 1, w: 24, x: 0, y },
      panels: [],
    });
    y += 1;
    row.panels.forEach((panel, i) => {
      const x = (i * PANEL_WIDTH) % 24;
      if (i > 0 && x === 0) y += PANEL_HEIGHT;
      panels.push(panelJson(panel, id++, x, y));
    });
    y += PANEL_HEIGHT;
  }
  return {
    uid: 'k8s-ship-metrics-api',
    title: 'k8s-ship / metrics API',
    tags: ['k8s-ship', 'slo'],
    schemaVersion: 39,
    version: 1,
    editable: true,
    time: { from: 'now-6h', to: 'now' },
    refresh: '30s',
    templating: {
      list: [
        { name: 'datasource', type: 'datasource', query: 'prometheus', label: 'Data source' },
        {
          name: 'namespace',
          type: 'query',
          label: 'Namespace',
          datasource: DATASOURCE,
          query: { query: 'label_values(metrics_api_build_info, namespace)', refId: 'namespaces' },
          definition: 'label_values(metrics_api_build_info, namespace)',
          includeAll: true,
          multi: true,
          refresh: 2,
        },
      ],
    },
    annotations: { list: [] },
    panels,
  };
}

/** Every query with Grafana's variables replaced, so that promtool can parse it. */
export function dashboardQueriesAsPromql(rows: RowSpec[] = DASHBOARD_ROWS): string[] {
  return rows
    .flatMap((row) => row.panels.flatMap((panel) => panel.queries.map((q) => q.expr)))
    .map((expr) => expr.replaceAll('$__rate_interval', '1m').replaceAll('$namespace', '.*'));
}
