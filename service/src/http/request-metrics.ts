import type { Context, Next } from 'koa';
import type { RequestStats } from '../metrics/request-stats.js';
import type { HttpMetrics } from '../metrics/service-metrics.js';
import type { Logger } from './logger.js';
import { UNMATCHED_ROUTE } from './route-table.js';

export interface ShutdownState {
  /** Set when SIGTERM arrives: readiness fails and connections are closed after their current response. */
  draining: boolean;
}

/**
 * Outermost middleware: counts and times every request, labelled by route template so the number of
 * series stays bounded whatever paths clients send, and writes one log line per request.
 */
export function requestMetrics(
  metrics: HttpMetrics,
  stats: RequestStats,
  logger: Logger,
  shutdown: ShutdownState,
) {
  return async (ctx: Context, next: Next) => {
    const started = process.hrtime.bigint();
    stats.started();
    try {
      await next();
    } finally {
      // Tells keep-alive clients to reconnect elsewhere; Node closes the socket after this response.
      if (shutdown.draining) ctx.set('Connection', 'close');
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route: string = ctx.state.route ?? UNMATCHED_ROUTE;
      const labels = { method: ctx.method, route, status_code: String(ctx.status) };
      metrics.requests.inc(labels);
      metrics.duration.observe(labels, seconds);
      stats.finished(route, seconds);
      logger.info('request', {
        method: ctx.method,
        // The query string is left out: it is where clients put tokens, when they do.
        path: ctx.path.length > 200 ? `${ctx.path.slice(0, 200)}…` : ctx.path,
        route,
        status: ctx.status,
        duration_ms: Math.round(seconds * 1e6) / 1000,
      });
    }
  };
}
