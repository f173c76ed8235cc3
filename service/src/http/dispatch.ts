import type { Context } from 'koa';
import { sendError } from './errors.js';
import type { Route } from './route-table.js';

/** Runs the route's handler for the method; answers OPTIONS, 405 with `Allow`, and 404, all in JSON. */
export function dispatch(ctx: Context, route: Route | undefined): void | Promise<void> {
  if (!route) {
    sendError(ctx, 404, 'not_found', `No endpoint at this path. See /openapi.json for the ones there are.`);
    return;
  }
  const handler = route.handlers.get(ctx.method);
  if (handler) return handler(ctx);
  ctx.set('Allow', route.allow);
  if (ctx.method === 'OPTIONS') {
    ctx.status = 204;
    return;
  }
  sendError(ctx, 405, 'method_not_allowed', `${ctx.method} is not allowed here; allowed: ${route.allow}.`);
}
