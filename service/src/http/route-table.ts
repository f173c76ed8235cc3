import type { Context } from 'koa';

export type Handler = (ctx: Context) => void | Promise<void>;

export interface RouteMatch {
  /** The route's template, used as the `route` label: unknown paths share UNMATCHED_ROUTE. */
  route: string;
  handler?: Handler;
  allowed: string[];
}

export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Every route of this service is a fixed path, so a map lookup is the whole router. Unlike
 * @koa/router's allowedMethods() it answers any unknown method with 405 (never 501: a 5xx would blame the
 * server for a client's mistake), and the route label can only ever be a registered path.
 */
export class RouteTable {
  private readonly routes = new Map<string, Map<string, Handler>>();

  get(path: string, handler: Handler): this {
    const methods = this.routes.get(path) ?? new Map<string, Handler>();
    methods.set('GET', handler);
    methods.set('HEAD', handler); // Koa drops the body of HEAD responses and keeps the headers
    this.routes.set(path, methods);
    return this;
  }

  paths(): string[] {
    return [...this.routes.keys()];
  }

  match(path: string, method: string): RouteMatch {
    const methods = this.routes.get(path);
    if (!methods) return { route: UNMATCHED_ROUTE, allowed: [] };
    const allowed = [...methods.keys(), 'OPTIONS'];
    return { route: path, handler: methods.get(method), allowed };
  }
}
