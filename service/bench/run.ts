// npm run bench: the service against a bare Node http server, side by side in one run, on loopback.
// Prints a Markdown table and whether the targets of issue 2 are met; docs/benchmarks.md records a run.
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../sandbox/src/exec.js';
import { repoRoot } from '../../sandbox/src/paths.js';
import { buildServiceBundle, freePort, startService } from '../test/support/service-process.js';
import { type LoadFigures, measureAtRate, measureThroughput } from './load.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 32;
const FIXED_RATE = 1000;

async function startBare(): Promise<{ pid: number; url: string; stop: () => void }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(repoRoot, 'service', 'bench', 'bare-server.js')], {
    env: { PORT: String(port) },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('the bare server', async () => (await fetch(url)).ok, 10_000);
  return { pid: child.pid!, url, stop: () => child.kill('SIGTERM') };
}

const row = (name: string, f: LoadFigures, note = '') =>
  `| ${name} | ${f.requestsPerSecond} | ${f.p50Ms} | ${f.p99Ms} | ${f.peakRssMb} | ${f.failed} | ${note} |`;
const verdict = (met: boolean) => (met ? 'met' : 'NOT met');

await buildServiceBundle();
const bare = await startBare();
const service = await startService({ LOG_LEVEL: 'info' }, { keepLogs: false });
try {
  const load = { connections: CONNECTIONS, seconds: SECONDS };
  const before = loadavg()[0]!.toFixed(2);
  // Warm both up so the JIT has compiled the hot paths before anything is measured.
  await measureThroughput(bare.url, bare.pid, { connections: 8, seconds: 2 });
  await measureThroughput(`${service.url}/health`, service.pid, { connections: 8, seconds: 2 });

  const bareFigures = await measureThroughput(bare.url, bare.pid, load);
  const health = await measureThroughput(`${service.url}/health`, service.pid, load);
  const system = await measureThroughput(`${service.url}/metrics/system`, service.pid, load);
  const fixed = await measureAtRate(`${service.url}/metrics/system`, service.pid, {
    connections: 10,
    seconds: SECONDS,
    rate: FIXED_RATE,
  });
  // Last: a scrape endpoint hammered by 32 clients at once grows the heap for the rest of the run.
  const scrape = await measureThroughput(`${service.url}/metrics`, service.pid, load);

  const after = loadavg()[0]!.toFixed(2);
  console.log(
    `\nNode ${process.versions.node}, loopback, ${CONNECTIONS} connections and ${SECONDS} s per line;`,
    `wrk (1 thread, its own process) drives every line but the fixed-rate one (autocannon)`,
  );
  console.log(`(1-minute load average of the machine: ${before} before the run, ${after} after)\n`);
  console.log('| target | req/s | p50 ms | p99 ms | peak RSS MB | failed | note |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  console.log(row('bare node:http', bareFigures, 'the limit'));
  console.log(row('service /health', health, 'JSON log line and metrics per request'));
  console.log(row('service /metrics/system', system));
  console.log(row(`service /metrics/system at ${FIXED_RATE} req/s`, fixed, '10 connections, fixed rate'));
  console.log(row('service /metrics', scrape, 'Prometheus text, ~20 KB'));

  const peakApi = Math.max(health.peakRssMb, system.peakRssMb, fixed.peakRssMb);
  const half = bareFigures.requestsPerSecond / 2;
  console.log('\ntargets:');
  console.log(
    `- /health >= half the bare req/s: ${health.requestsPerSecond} vs ${half}: ${verdict(health.requestsPerSecond >= half)}`,
  );
  console.log(
    `- /metrics/system p99 < 5 ms at ${FIXED_RATE} req/s: ${fixed.p99Ms} ms: ${verdict(fixed.p99Ms < 5)}`,
  );
  console.log(
    `- RSS under API load within 32 MB of bare: ${peakApi} vs ${bareFigures.peakRssMb} MB: ${verdict(peakApi - bareFigures.peakRssMb <= 32)}`,
  );
} finally {
  bare.stop();
  await service.stop();
}
