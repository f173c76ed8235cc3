import type { Context } from 'koa';
import type { Logger } from './logger.js';

export function sendError(ctx: Context, status: number, error: string, message: string): void {
  ctx.status = status;
  ctx.body = { error, message, status };
}

interface ThrownError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  message?: string;
  stack?: string;
}

/**
 * Answers what a handler threw: a client sees a short JSON error; a 5xx says only "internal error" and the
 * details go to the log. Koa's own `err.expose` decides which 4xx messages are safe to show.
 */
export function answerError(ctx: Context, thrown: unknown, logger: Logger): void {
  const error = (thrown ?? {}) as ThrownError;
  const status = error.status ?? error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    sendError(
      ctx,
      status,
      'bad_request',
      error.expose && error.message ? error.message : 'The request is malformed.',
    );
    return;
  }
  logger.error('unhandled error', {
    path: ctx.path.slice(0, 200),
    error: error.message,
    stack: error.stack,
  });
  sendError(ctx, 500, 'internal_error', 'The server failed to answer; the error was logged.');
}
