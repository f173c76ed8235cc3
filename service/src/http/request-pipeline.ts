import { performance } from 'node:perf_hooks';
import type { Context } from 'koa';
import type { HttpSeries } from '../metrics/http-series.js';
import type { RequestStats } from '../metrics/request-stats.js';
import { dispatch } from './dispatch.js';
import { answerError } from './errors.js';
import type { Logger } from './logger.js';
import { type RouteTable, UNMATCHED_ROUTE } from './route-table.js';
import { setSecurityHeaders } from './security-headers.js';

export interface ShutdownState {
  /** Set when SIGTERM arrives: readiness fails and connections are closed after their current response. */
  draining: boolean;
}

export interface PipelineDependencies {
  routes: RouteTable;
  series: HttpSeries;
  stats: RequestStats;
  logger: Logger;
  shutdown: ShutdownState;
}

const MAX_LOGGED_PATH = 200;

/**
 * The service's only middleware: security headers, routing, the error boundary, then per request the
 * Prometheus series, the /metrics/app figures and one log line. One async function rather than a chain
 * of four: each Koa middleware costs a promise and a bound function per request.
 * Series are labelled by route template, so their number stays bounded whatever paths clients send.
 */
export function requestPipeline({ routes, series, stats, logger, shutdown }: PipelineDependencies) {
  return async (ctx: Context): Promise<void> => {
    const started = performance.now();
    stats.started();
    setSecurityHeaders(ctx.res);
    let route = UNMATCHED_ROUTE;
    try {
      const matched = routes.match(ctx.path);
      if (matched) route = matched.path;
      const pending = dispatch(ctx, matched);
      if (pending) await pending;
    } catch (error) {
      answerError(ctx, error, logger);
    }
    // Tells keep-alive clients to reconnect elsewhere; Node closes the socket after this response.
    if (shutdown.draining) ctx.res.setHeader('Connection', 'close');
    const durationMs = performance.now() - started;
    const { method, path, status } = ctx;
    series.record(method, route, status, durationMs / 1000);
    stats.finished(route, durationMs / 1000);
    logger.request({
      method,
      // The query string is left out: it is where clients put tokens, when they do.
      path: path.length > MAX_LOGGED_PATH ? `${path.slice(0, MAX_LOGGED_PATH)}…` : path,
      route,
      status,
      durationMs: Math.round(durationMs * 1000) / 1000,
    });
  };
}
