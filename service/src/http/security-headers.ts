import type { ServerResponse } from 'node:http';

/**
 * Headers for an API that serves JSON and one static page: nothing may be framed, sniffed, cached by a
 * shared cache, or load anything. /docs loosens the Content-Security-Policy for its own inline style only.
 */
const SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  ['Referrer-Policy', 'no-referrer'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Cache-Control', 'no-store'],
];

/** Straight on Node's response: Koa's `ctx.set` would only add its own checks to the same calls. */
export function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of SECURITY_HEADERS) res.setHeader(name, value);
}
