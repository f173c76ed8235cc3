import type { Context } from 'koa';
import { sendError } from './errors.js';
import type { RouteTable } from './route-table.js';

/** Runs the handler of the matched route; answers OPTIONS, 405 with `Allow`, and 404, all in JSON. */
export function dispatch(routes: RouteTable) {
  return async (ctx: Context) => {
    const match = routes.match(ctx.path, ctx.method);
    ctx.state.route = match.route;
    if (match.handler) {
      await match.handler(ctx);
      return;
    }
    if (match.allowed.length === 0) {
      sendError(ctx, 404, 'not_found', `No endpoint at this path. See /openapi.json for the ones there are.`);
      return;
    }
    ctx.set('Allow', match.allowed.join(', '));
    if (ctx.method === 'OPTIONS') {
      ctx.status = 204;
      return;
    }
    sendError(
      ctx,
      405,
      'method_not_allowed',
      `${ctx.method} is not allowed here; allowed: ${match.allowed.join(', ')}.`,
    );
  };
}
