import Koa from 'koa';
import { Registry } from 'prom-client';
import type { ServiceConfig } from './config.js';
import { buildRoutes } from './http/handlers.js';
import type { Logger } from './http/logger.js';
import { requestPipeline, type ShutdownState } from './http/request-pipeline.js';
import type { LatencySource } from './latency/monitor.js';
import { registerDefaultMetrics } from './metrics/default-metrics.js';
import { HttpSeries, registerHttpSeries } from './metrics/http-series.js';
import { RequestStats } from './metrics/request-stats.js';
import { registerBuildInfo, registerLatencyGauges, registerSystemGauges } from './metrics/service-metrics.js';
import type { SystemSource } from './samplers/system.js';

export interface AppDependencies {
  config: ServiceConfig;
  system: SystemSource;
  latency: LatencySource;
  logger: Logger;
  /** prom-client's process and Node.js defaults; off in tests that build many apps in one process. */
  defaultMetrics?: boolean;
  now?: () => Date;
}

export interface MetricsApp {
  app: Koa;
  registry: Registry;
  shutdown: ShutdownState;
  stats: RequestStats;
}

/** Builds the Koa application without listening, so tests can serve it on any port they like. */
export function createApp(deps: AppDependencies): MetricsApp {
  const { config, system, latency, logger } = deps;
  // Its own registry rather than prom-client's global one: two apps in one process never share series.
  const registry = new Registry();
  if (deps.defaultMetrics ?? true) registerDefaultMetrics(registry);
  const series = new HttpSeries();
  registerHttpSeries(registry, series);
  registerBuildInfo(registry, config);
  registerSystemGauges(registry, system);
  registerLatencyGauges(registry, latency);

  const stats = new RequestStats();
  const shutdown: ShutdownState = { draining: false };
  const startedAt = deps.now?.() ?? new Date();
  const routes = buildRoutes({
    config,
    system,
    latency,
    registry,
    stats,
    shutdown,
    startedAt,
    now: deps.now,
  });

  const app = new Koa();
  // Errors are answered and logged by the pipeline; Koa's default handler would print stacks to stderr.
  app.silent = true;
  app.use(requestPipeline({ routes, series, stats, logger, shutdown }));
  return { app, registry, shutdown, stats };
}
