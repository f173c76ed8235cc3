import type { Context } from 'koa';
import type { Registry } from 'prom-client';
import type { ServiceConfig } from '../config.js';
import type { LatencySource } from '../latency/monitor.js';
import type { RequestStats } from '../metrics/request-stats.js';
import { type SystemSource, systemJson } from '../samplers/system.js';
import { DOCS_CSP, renderDocsPage } from './docs-page.js';
import { openApiDocument } from './openapi.js';
import type { ShutdownState } from './request-metrics.js';
import { RouteTable } from './route-table.js';

export interface RouteDependencies {
  config: ServiceConfig;
  system: SystemSource;
  latency: LatencySource;
  registry: Registry;
  stats: RequestStats;
  shutdown: ShutdownState;
  startedAt: Date;
  now?: () => Date;
}

/** ISO-8601 in UTC to the second, as the contract shows it (2025-11-15T15:30:00Z). */
const isoSeconds = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function buildRoutes(deps: RouteDependencies): RouteTable {
  const { config, system, latency, registry, stats, shutdown, startedAt } = deps;
  const now = deps.now ?? (() => new Date());
  const openApi = openApiDocument(config);
  const docsPage = renderDocsPage(openApi);

  return new RouteTable()
    .get('/health', (ctx: Context) => {
      ctx.body = { status: 'ok', app: config.appName, version: config.appVersion };
    })
    .get('/ready', (ctx: Context) => {
      ctx.status = shutdown.draining ? 503 : 200;
      ctx.body = { status: shutdown.draining ? 'shutting_down' : 'ready' };
    })
    .get('/info', (ctx: Context) => {
      ctx.body = {
        app_name: config.appName,
        version: config.appVersion,
        environment: config.environment,
        server_time: isoSeconds(now()),
        ...(config.gitRevision && { git_revision: config.gitRevision }),
        ...(config.imageRef && { image: config.imageRef }),
      };
    })
    .get('/metrics/system', (ctx: Context) => {
      ctx.body = systemJson(system.latest());
    })
    .get('/metrics/app', (ctx: Context) => {
      ctx.body = {
        uptime_seconds: Math.floor((now().getTime() - startedAt.getTime()) / 1000),
        requests_count: stats.total,
        startup_time: isoSeconds(startedAt),
        in_flight_requests: stats.inFlight,
        routes: stats.byRoute(),
      };
    })
    .get('/metrics/latency', (ctx: Context) => {
      ctx.body = {
        interval_seconds: latency.intervalSeconds,
        timeout_ms: config.latencyTimeoutMs,
        targets: latency.measurements().map((m) => ({
          target_host: m.host,
          tcp_port: m.port,
          interval_seconds: latency.intervalSeconds,
          collected_at: m.measuredAt.toISOString(),
          tcp: {
            status: m.result.status,
            port: m.port,
            latency_ms: m.result.latencyMs,
            ...(m.result.error && { error: m.result.error }),
          },
        })),
      };
    })
    .get('/metrics', async (ctx: Context) => {
      const body = await registry.metrics();
      ctx.type = registry.contentType;
      ctx.body = body;
    })
    .get('/openapi.json', (ctx: Context) => {
      ctx.body = openApi;
    })
    .get('/docs', (ctx: Context) => {
      ctx.set('Content-Security-Policy', DOCS_CSP);
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = docsPage;
    });
}
