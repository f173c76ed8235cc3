import type { Context, Next } from 'koa';

/**
 * Headers for an API that serves JSON and one static page: nothing may be framed, sniffed, cached by a
 * shared cache, or load anything. /docs loosens the Content-Security-Policy for its own inline style only.
 */
export function securityHeaders() {
  return async (ctx: Context, next: Next) => {
    ctx.set({
      'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    });
    await next();
  };
}
