import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

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

/** Runs autocannon against `url` while sampling the server's resident memory every 100 ms. */
export async function measure(
  url: string,
  serverPid: number,
  options: { connections: number; seconds: number; rate?: number },
): Promise<LoadFigures> {
  let peak = rssMb(serverPid);
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(serverPid));
  }, 100);
  try {
    const result = await autocannon({
      url,
      connections: options.connections,
      duration: options.seconds,
      ...(options.rate === undefined ? {} : { overallRate: options.rate }),
    });
    return {
      requestsPerSecond: Math.round(result.requests.average),
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      failed: result.non2xx + result.errors + result.timeouts,
      peakRssMb: Math.round(peak * 10) / 10,
    };
  } finally {
    clearInterval(sampler);
  }
}
