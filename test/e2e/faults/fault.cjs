// Preloaded (NODE_OPTIONS=--require) into test-only bad versions of the service: never part of the real
// image. The bundle inlines Koa, so this works on Node's http module only, where the service's own
// metrics will still see the fault:
// - the pipeline records `ctx.status`, which Koa reads from `res.statusCode` after the handler ran: a
//   failing request gets a statusCode fixed at 500, so the series, the log and the client all say 500;
// - the pipeline times the request between two performance.now() readings taken in one synchronous run
//   (user handlers never await), so no real wait fits between them: a slow request is handed to the
//   server only after the delay, and the pipeline's first reading is dated back to its arrival.
// Probes and the scrape path are left alone, so that the pods stay Ready and Prometheus keeps scraping.
'use strict';

const http = require('node:http');
const { performance } = require('node:perf_hooks');

const UNTOUCHED = new Set(['/health', '/ready', '/metrics']);
const ERROR_BODY = JSON.stringify({ error: 'internal_error', message: 'Injected fault.', status: 500 });

function numberFrom(name, min, max) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return 0;
  const value = Number(raw);
  // A typo must not give a healthy "bad version": the process refuses to start instead.
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${name}=${raw}: expected a number from ${min} to ${max}`);
  }
  return value;
}

const errorShare = numberFrom('K8S_SHIP_FAULT_ERROR_SHARE', 0, 1);
const delayMs = numberFrom('K8S_SHIP_FAULT_DELAY_MS', 0, 60_000);

/** Makes this response a 500 whatever the handler sets, and sends an error body in place of its own. */
function failResponse(res, method) {
  Object.defineProperty(res, 'statusCode', { get: () => 500, set() {}, configurable: true });
  Object.defineProperty(res, 'statusMessage', {
    get: () => 'Internal Server Error',
    set() {},
    configurable: true,
  });
  const end = res.end;
  res.end = function endWithError(_chunk, _encoding, callback) {
    const done = [_chunk, _encoding, callback].find((arg) => typeof arg === 'function');
    if (!this.headersSent) {
      this.setHeader('Content-Type', 'application/json; charset=utf-8');
      this.setHeader('Content-Length', Buffer.byteLength(ERROR_BODY));
    }
    return method === 'HEAD' ? end.call(this, done) : end.call(this, ERROR_BODY, done);
  };
}

// The arrival time the pipeline's next performance.now() reading returns, while a delayed request runs.
let backdateTo;
const now = performance.now.bind(performance);
performance.now = () => {
  if (backdateTo === undefined) return now();
  const arrival = backdateTo;
  backdateTo = undefined;
  return arrival;
};

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function emitWithFaults(event, req, res, ...rest) {
  if (event !== 'request' || UNTOUCHED.has(req.url.split('?')[0])) {
    return emit.call(this, event, req, res, ...rest);
  }
  if (errorShare > 0 && Math.random() < errorShare) failResponse(res, req.method);
  if (delayMs === 0) return emit.call(this, event, req, res, ...rest);
  const arrival = now();
  setTimeout(() => {
    backdateTo = arrival;
    try {
      emit.call(this, event, req, res, ...rest);
    } finally {
      backdateTo = undefined;
    }
  }, delayMs);
  return true;
};
