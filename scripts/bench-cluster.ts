// npm run bench:cluster: the sandbox's Kubernetes on this machine, started and stopped in a state folder of
// its own, with the memory of each of its processes. Prints Markdown rows for docs/benchmarks.md ("Cluster").
//   cold start: a new state folder (certificates made, etcd empty), the binaries already built;
//   warm start: the same folder again after `down` (certificates and etcd data kept), as after a reboot;
//   memory: the resident set of each process 60 s after the warm start, idle, and of the pods' shims.
// Needs no other sandbox cluster running (only one can); stops and removes all it started.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterProcesses } from '../sandbox/src/cluster/cluster.js';
import { unmountBelow } from '../sandbox/src/cluster/mounts.js';
import { run, sleep } from '../sandbox/src/exec.js';
import { sandboxDown, sandboxUp } from '../sandbox/src/sandbox.js';
import { readState } from '../sandbox/src/state.js';

const quiet = () => undefined;

async function timed(what: string, fn: () => Promise<unknown>): Promise<number> {
  const started = Date.now();
  await fn();
  const ms = Date.now() - started;
  console.error(`${what}: ${(ms / 1000).toFixed(1)} s (load ${loadavg()[0]!.toFixed(2)})`);
  return ms;
}

function residentMb(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1]) / 1024;
}

const stateDir = mkdtempSync(join(tmpdir(), 'k8s-ship-bench-cluster-'));
process.env.SANDBOX_DIR = stateDir;
try {
  const cold = await timed('cold start', () => sandboxUp(['registry', 'kube'], { log: quiet }));
  const down = await timed('down', () => sandboxDown({ components: ['kube'] }));
  const warm = await timed('warm start', () => sandboxUp(['kube'], { log: quiet }));
  await sleep(60_000);
  const kube = readState().kube;
  if (kube?.external !== false) throw new Error('the bench needs the sandbox-built cluster');
  const memory: [string, number][] = clusterProcesses.map((name) => [name, residentMb(kube.pids[name])]);
  memory.push(['kubectl proxy', residentMb(kube.proxy.pid)]);
  const shims = (await run('ps', ['-eo', 'rss=,args='])).stdout
    .split('\n')
    .filter((line) => line.includes('containerd-shim') && line.includes(stateDir));
  const shimMb = shims.reduce((sum, line) => sum + Number(line.trim().split(/\s+/)[0]) / 1024, 0);
  memory.push([`${shims.length} containerd shims`, shimMb]);
  const total = memory.reduce((sum, [, mb]) => sum + mb, 0);
  console.log('| start or stop | seconds |\n| --- | --- |');
  console.log(`| cold start (new state) | ${(cold / 1000).toFixed(1)} |`);
  console.log(`| down | ${(down / 1000).toFixed(1)} |`);
  console.log(`| warm start (state kept) | ${(warm / 1000).toFixed(1)} |`);
  console.log('\n| process | resident MB |\n| --- | --- |');
  for (const [name, mb] of memory) console.log(`| ${name} | ${mb.toFixed(0)} |`);
  console.log(`| **total** | **${total.toFixed(0)}** |`);
} finally {
  await sandboxDown();
  await unmountBelow(stateDir);
  rmSync(stateDir, { recursive: true, force: true });
}
