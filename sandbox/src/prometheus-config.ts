import { isAbsolute, resolve } from 'node:path';
import { parse, stringify } from 'yaml';

/** Where the sandbox's Prometheus finds the API server, and how it logs in there. */
export interface PrometheusSettings {
  /** The folder of the source prometheus.yml: its relative rule_files are resolved against it. */
  sourceDir: string;
  apiServer: string;
  caFile: string;
  /** The `prometheus` ServiceAccount's token, in a file so that it is never on argv or in the config. */
  tokenFile: string;
  /** Prometheus duration, such as `2s`. */
  scrapeInterval: string;
}

interface ScrapeConfig {
  job_name?: string;
  kubernetes_sd_configs?: Record<string, unknown>[];
  [key: string]: unknown;
}

interface PrometheusConfig {
  global?: Record<string, unknown>;
  rule_files?: string[];
  scrape_configs?: ScrapeConfig[];
  [key: string]: unknown;
}

/**
 * The sandbox's Prometheus config from k8s/monitoring/prometheus/prometheus.yml: the same jobs, relabel
 * rules and rule files, with the in-cluster service discovery pointed at the API server from outside the
 * cluster (a pod would get the address, CA and token from its service-account mount instead).
 */
export function sandboxPrometheusConfig(source: string, settings: PrometheusSettings): string {
  const config = parse(source) as PrometheusConfig | null;
  if (!config?.scrape_configs?.some((job) => job.kubernetes_sd_configs)) {
    throw new Error(
      'the Prometheus config has no scrape_configs with kubernetes_sd_configs: expected the plain ' +
        'config of k8s/monitoring/prometheus/prometheus.yml',
    );
  }
  // The pipeline's analysis looks at windows of 20-30 s: a 2 s interval gives each window enough samples
  // (a real cluster's 15 s would leave one or two). The timeout may not exceed the interval.
  config.global = {
    ...config.global,
    scrape_interval: settings.scrapeInterval,
    scrape_timeout: settings.scrapeInterval,
    evaluation_interval: settings.scrapeInterval,
  };
  config.rule_files = (config.rule_files ?? []).map((file) =>
    isAbsolute(file) ? file : resolve(settings.sourceDir, file),
  );
  config.scrape_configs = config.scrape_configs.map((job) => ({
    ...job,
    ...(job.kubernetes_sd_configs && {
      kubernetes_sd_configs: job.kubernetes_sd_configs.map((discovery) => ({
        ...discovery,
        api_server: settings.apiServer,
        tls_config: { ca_file: settings.caFile },
        authorization: { type: 'Bearer', credentials_file: settings.tokenFile },
      })),
    }),
  }));
  return stringify(config);
}
