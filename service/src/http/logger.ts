import { LOG_LEVELS, type LogLevel } from '../config.js';

export type LogFields = Record<string, string | number | boolean | null | undefined>;

/** What the access log says about one answered request. */
export interface RequestLogEntry {
  method: string;
  /** Without the query string, which is where clients put tokens when they do. */
  path: string;
  route: string;
  status: number;
  durationMs: number;
}

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** The per-request line at level info: the hot path, so it has a fixed shape and its own formatter. */
  request(entry: RequestLogEntry): void;
}

/**
 * Collects the lines written during one turn of the event loop and writes them to stdout in one call:
 * under load that is one write per batch of requests instead of one per request (a third of the
 * throughput of /health went to those writes). What is pending is written before the process exits.
 */
export function batchedStdout(): (line: string) => void {
  let pending = '';
  const flush = () => {
    if (pending === '') return;
    const text = pending;
    pending = '';
    process.stdout.write(text);
  };
  process.on('exit', flush);
  return (line) => {
    if (pending === '') setImmediate(flush);
    pending += line;
  };
}

/** `new Date().toISOString()`, formatted once per millisecond rather than once per call. */
function isoClock(): () => string {
  let lastMs = -1;
  let last = '';
  return () => {
    const now = Date.now();
    if (now !== lastMs) {
      lastMs = now;
      last = new Date(now).toISOString();
    }
    return last;
  };
}

/**
 * One JSON object per line on stdout, for the cluster's log collector. Callers pass only fields they chose
 * (never headers or bodies), so nothing secret reaches the log by accident.
 */
export function createJsonLogger(
  level: LogLevel,
  write: (line: string) => void = (l) => process.stdout.write(l),
): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const time = isoClock();
  const at =
    (lvl: LogLevel) =>
    (msg: string, fields: LogFields = {}) => {
      if (LOG_LEVELS.indexOf(lvl) < threshold) return;
      write(`${JSON.stringify({ time: time(), level: lvl, msg, ...fields })}\n`);
    };
  const logsRequests = LOG_LEVELS.indexOf('info') >= threshold;
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    // The same line as info('request', {...}) would write, built without the intermediate object.
    request: (e) => {
      if (!logsRequests) return;
      write(
        `{"time":"${time()}","level":"info","msg":"request","method":${JSON.stringify(e.method)},"path":${JSON.stringify(e.path)},"route":${JSON.stringify(e.route)},"status":${e.status},"duration_ms":${e.durationMs}}\n`,
      );
    },
  };
}
