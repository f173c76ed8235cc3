import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { run } from '../../sandbox/src/exec.js';
import { repoRoot } from '../../sandbox/src/paths.js';

/** The part of autocannon's result this benchmark reads (the package ships no types). */
interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  overallRate?: number;
}) => Promise<AutocannonResult>;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** What service/bench/wrk-report.lua prints: microseconds, and wrk's error counters. */
interface WrkReport {
  requests: number;
  duration_us: number;
  p50_us: number;
  p99_us: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
}

const WRK_REPORT_SCRIPT = join(repoRoot, 'service', 'bench', 'wrk-report.lua');

export interface LoadFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  failed: number;
  peakRssMb: number;
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB$/m);
  return line ? Number(line[1]) / 1024 : 0;
}

/** Runs `drive` while sampling the server's resident memory every 100 ms. */
async function withPeakRss(
  serverPid: number,
  drive: () => Promise<Omit<LoadFigures, 'peakRssMb'>>,
): Promise<LoadFigures> {
  let peak = rssMb(serverPid);
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(serverPid));
  }, 100);
  try {
    const figures = await drive();
    return { ...figures, peakRssMb: Math.round(peak * 10) / 10 };
  } finally {
    clearInterval(sampler);
  }
}

const ms = (us: number) => Math.round(us / 10) / 100;

/**
 * As many requests as `connections` keep-alive connections get answered, driven by wrk: one C thread in its
 * own process, so the load generator takes far less of the two cores than the server it measures.
 */
export function measureThroughput(
  url: string,
  serverPid: number,
  options: { connections: number; seconds: number },
): Promise<LoadFigures> {
  return withPeakRss(serverPid, async () => {
    const { stdout } = await run(
      'wrk',
      [
        '--threads',
        '1',
        '--connections',
        String(options.connections),
        '--duration',
        `${options.seconds}s`,
        '--script',
        WRK_REPORT_SCRIPT,
        url,
      ],
      { timeoutMs: (options.seconds + 30) * 1000 },
    );
    const line = stdout.split('\n').find((l) => l.startsWith('{"requests"'));
    if (!line) throw new Error(`wrk printed no report for ${url}:\n${stdout}`);
    const r = JSON.parse(line) as WrkReport;
    return {
      requestsPerSecond: Math.round(r.requests / (r.duration_us / 1e6)),
      p50Ms: ms(r.p50_us),
      p99Ms: ms(r.p99_us),
      failed: r.connect + r.read + r.write + r.status + r.timeout,
    };
  });
}

/**
 * A fixed request rate over `connections` connections, by autocannon (`overallRate`; wrk has no such
 * mode). At 1,000 req/s it needs little CPU, so running in this process does not limit the server.
 */
export function measureAtRate(
  url: string,
  serverPid: number,
  options: { connections: number; seconds: number; rate: number },
): Promise<LoadFigures> {
  return withPeakRss(serverPid, async () => {
    const result = await autocannon({
      url,
      connections: options.connections,
      duration: options.seconds,
      overallRate: options.rate,
    });
    return {
      requestsPerSecond: Math.round(result.requests.average),
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      failed: result.non2xx + result.errors + result.timeouts,
    };
  });
}
