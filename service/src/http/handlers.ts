import type { Context } from 'koa';
import type { Registry } from 'prom-client';
import type { ServiceConfig } from '../config.js';
import type { LatencySource } from '../latency/monitor.js';
import type { RequestStats } from '../metrics/request-stats.js';
import { type SystemSource, systemJson } from '../samplers/system.js';
import { DOCS_CSP, renderDocsPage } from './docs-page.js';
import { openApiDocument } from './openapi.js';
import type { ShutdownState } from './request-pipeline.js';
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

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Answers with JSON serialized beforehand: what Koa does for an object body (detect the type, look it up,
 * stringify) costs more than a /health itself, and these bodies change rarely or never.
 */
function sendJson(ctx: Context, json: string): void {
  ctx.res.setHeader('Content-Type', JSON_TYPE);
  ctx.body = json;
}

/** The JSON of `current()`, serialized again only when it returns another object. */
function jsonOfLatest<T extends object>(current: () => T, toJson: (value: T) => object): () => string {
  let last: T | undefined;
  let json = '';
  return () => {
    const value = current();
    if (value !== last) {
      last = value;
      json = JSON.stringify(toJson(value));
    }
    return json;
  };
}

/** ISO-8601 in UTC to the second, as the contract shows it (2025-11-15T15:30:00Z). */
const isoSeconds = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function buildRoutes(deps: RouteDependencies): RouteTable {
  const { config, system, latency, registry, stats, shutdown, startedAt } = deps;
  const now = deps.now ?? (() => new Date());
  const openApi = openApiDocument(config);
  const openApiJson = JSON.stringify(openApi);
  const docsPage = renderDocsPage(openApi);
  const healthJson = JSON.stringify({ status: 'ok', app: config.appName, version: config.appVersion });
  const readyJson = JSON.stringify({ status: 'ready' });
  const drainingJson = JSON.stringify({ status: 'shutting_down' });
  // The sampler replaces its snapshot once a second; between samples every request gets the same JSON.
  const systemBody = jsonOfLatest(() => system.latest(), systemJson);

  return new RouteTable()
    .get('/health', (ctx: Context) => sendJson(ctx, healthJson))
    .get('/ready', (ctx: Context) => {
      ctx.status = shutdown.draining ? 503 : 200;
      sendJson(ctx, shutdown.draining ? drainingJson : readyJson);
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
    .get('/metrics/system', (ctx: Context) => sendJson(ctx, systemBody()))
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
    .get('/openapi.json', (ctx: Context) => sendJson(ctx, openApiJson))
    .get('/docs', (ctx: Context) => {
      ctx.set('Content-Security-Policy', DOCS_CSP);
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = docsPage;
    });
}
