import type { Context } from 'koa';

export type Handler = (ctx: Context) => void | Promise<void>;

/** One registered path, built once: matching a request allocates nothing. */
export interface Route {
  /** The path template, used as the `route` label. */
  path: string;
  handlers: ReadonlyMap<string, Handler>;
  /** The `Allow` header of 405 and OPTIONS answers. */
  allow: string;
}

/** The `route` label of every path that is not registered, so unknown paths share one series. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Every route of this service is a fixed path, so a map lookup is the whole router. Unlike
 * @koa/router's allowedMethods() it answers any unknown method with 405 (never 501: a 5xx would blame the
 * server for a client's mistake), and the route label can only ever be a registered path.
 */
export class RouteTable {
  private readonly routes = new Map<string, Route>();

  get(path: string, handler: Handler): this {
    // Koa drops the body of HEAD responses and keeps the headers.
    const handlers = new Map([
      ...(this.routes.get(path)?.handlers ?? []),
      ['GET', handler],
      ['HEAD', handler],
    ]);
    this.routes.set(path, { path, handlers, allow: [...handlers.keys(), 'OPTIONS'].join(', ') });
    return this;
  }

  paths(): string[] {
    return [...this.routes.keys()];
  }

  match(path: string): Route | undefined {
    return this.routes.get(path);
  }
}
