import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { prometheusSource } from '../src/prometheus.js';
import { prometheusRbacManifest } from '../src/prometheus-access.js';
import { type PrometheusSettings, sandboxPrometheusConfig } from '../src/prometheus-config.js';

const settings: PrometheusSettings = {
  sourceDir: '/repo/k8s/monitoring/prometheus',
  apiServer: 'https://127.0.0.1:6443',
  caFile: '/state/prometheus/api-server-ca.crt',
  tokenFile: '/state/prometheus/token',
  scrapeInterval: '2s',
};

const source = `
global:
  scrape_interval: 15s
rule_files:
  - ../rules/a.rules.yaml
  - /abs/b.rules.yaml
scrape_configs:
  - job_name: metrics-api
    kubernetes_sd_configs:
      - role: endpointslice
    relabel_configs:
      - source_labels: [__meta_kubernetes_namespace]
        target_label: namespace
  - job_name: static
    static_configs:
      - targets: ['127.0.0.1:1']
`;

describe('sandboxPrometheusConfig', () => {
  it('points the Kubernetes service discovery at the API server with its CA and a token file', () => {
    const config = parse(sandboxPrometheusConfig(source, settings));
    expect(config.scrape_configs[0].kubernetes_sd_configs).toEqual([
      {
        role: 'endpointslice',
        api_server: 'https://127.0.0.1:6443',
        tls_config: { ca_file: '/state/prometheus/api-server-ca.crt' },
        authorization: { type: 'Bearer', credentials_file: '/state/prometheus/token' },
      },
    ]);
  });

  it('keeps the relabel rules and leaves jobs without Kubernetes discovery as they are', () => {
    const config = parse(sandboxPrometheusConfig(source, settings));
    expect(config.scrape_configs[0].relabel_configs).toEqual([
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
    ]);
    expect(config.scrape_configs[1]).toEqual({
      job_name: 'static',
      static_configs: [{ targets: ['127.0.0.1:1'] }],
    });
  });

  it('resolves relative rule files against the source folder and keeps absolute ones', () => {
    const config = parse(sandboxPrometheusConfig(source, settings));
    expect(config.rule_files).toEqual(['/repo/k8s/monitoring/rules/a.rules.yaml', '/abs/b.rules.yaml']);
  });

  it('scrapes and evaluates at the short sandbox interval, the timeout no longer than it', () => {
    const config = parse(sandboxPrometheusConfig(source, settings));
    expect(config.global).toEqual({ scrape_interval: '2s', scrape_timeout: '2s', evaluation_interval: '2s' });
  });

  it('refuses a config without Kubernetes service discovery, saying what it expected', () => {
    expect(() => sandboxPrometheusConfig('scrape_configs: []\n', settings)).toThrow(
      'expected the plain config of k8s/monitoring/prometheus/prometheus.yml',
    );
  });

  it("turns the repo's own prometheus.yml into a config with its rules file by absolute path", () => {
    const config = parse(
      sandboxPrometheusConfig(readFileSync(prometheusSource, 'utf8'), {
        ...settings,
        sourceDir: dirname(prometheusSource),
      }),
    );
    expect(config.rule_files).toEqual([
      prometheusSource.replace(/prometheus\/prometheus\.yml$/, 'rules/metrics-api.rules.yaml'),
    ]);
    const [job] = config.scrape_configs;
    expect(job.job_name).toBe('metrics-api');
    expect(job.kubernetes_sd_configs[0].role).toBe('endpointslice');
    expect(job.relabel_configs.map((rule: { target_label?: string }) => rule.target_label)).toEqual([
      undefined,
      undefined,
      'namespace',
      'pod',
      'service',
      'node',
    ]);
  });
});

describe('prometheusRbacManifest', () => {
  it('grants only reads of what endpointslice discovery watches', () => {
    const objects = prometheusRbacManifest()
      .split('\n---\n')
      .map((text) => JSON.parse(text));
    const role = objects.find((object) => object.kind === 'ClusterRole');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['services', 'pods', 'namespaces'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
    ]);
    const binding = objects.find((object) => object.kind === 'ClusterRoleBinding');
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'prometheus', namespace: 'monitoring' },
    ]);
  });
});
