// npm run bench:scan: the Trivy gate before the tags, measured on the sandbox in one run. Prints Markdown
// tables for docs/benchmarks.md ("Trivy").
//   1. trivy-scan of the service image (Node 24, the Trivy built here, the local DB): a fresh cache dir
//      (the DB copied in, no layer cache) and the same cache dir again; from the Docker engine and from
//      the registry by digest.
//   2. the image half of the pipeline in two orders, alternated, each run a new image (a new VERSION
//      build-arg: a new config, the same layers, as a new commit with the same dependencies):
//      old order: build-push pushes every tag, then trivy-scan (docker/build-push-action, then
//                 aquasecurity/trivy-action): a failed gate leaves the tags pushed;
//      gate first: build-push by digest, trivy-scan of that digest from the registry, tag-image.
//   BENCH_RUNS=N (default 3) runs of each. Removes the images and manifests it made.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteManifest } from '../actions/build-push/test/registry-api.js';
import { repoRoot } from '../runner/src/paths.js';
import { runBundledAction, type StepRun } from '../runner/src/run-bundle.js';
import { ensureNodeBaseImage } from '../sandbox/src/base-image.js';
import type { RegistryCredentials } from '../sandbox/src/registry.js';
import { sandboxUp } from '../sandbox/src/sandbox.js';
import { beginTestRun, endTestRun, removeImagesLabelled } from '../sandbox/src/testing.js';
import { ensureTrivy, ensureTrivyDb, trivyCacheDir } from '../sandbox/src/trivy.js';
import { ensureServiceBundle } from '../service/build/bundle.js';

function countFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 20) {
    throw new Error(`${name} is '${raw}'; expected a whole number from 1 to 20`);
  }
  return value;
}

const runs = countFrom('BENCH_RUNS', 3);
const label = `k8s-ship.bench=scan-${process.pid}`;
const repository = `k8s-ship-bench/scan-${process.pid}`;
const seconds = (ms: number) => (ms / 1000).toFixed(2);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

interface Timed {
  main: StepRun;
  ms: number;
}

async function main(): Promise<void> {
  const lease = beginTestRun();
  const work = mkdtempSync(join(tmpdir(), 'k8s-ship-bench-scan-'));
  const digests = new Set<string>();
  let registry: (RegistryCredentials & { url: string; address: string }) | undefined;
  let dockerHost = '';
  try {
    const endpoints = await sandboxUp(['docker', 'registry'], { startedBy: 'tests' });
    if (!endpoints.docker || !endpoints.registry)
      throw new Error('the sandbox has no Docker engine or registry');
    dockerHost = endpoints.docker.host;
    const credentials = JSON.parse(
      readFileSync(endpoints.registry.credentialsFile, 'utf8'),
    ) as RegistryCredentials;
    registry = { ...credentials, url: endpoints.registry.url, address: endpoints.registry.address };
    const login = { registry: registry.address, username: registry.username, password: registry.password };
    const engine = { host: dockerHost };
    console.error('preparing: the service bundle, the local Node bases, Trivy and its DB');
    await ensureServiceBundle();
    const bases = {
      build: await ensureNodeBaseImage(engine, 'build'),
      runtime: await ensureNodeBaseImage(engine, 'runtime'),
    };
    const trivy = await ensureTrivy();
    const db = await ensureTrivyDb();
    const binDir = join(work, 'bin');
    mkdirSync(binDir);
    symlinkSync(trivy.trivy, join(binDir, 'trivy'));
    const env = {
      DOCKER_HOST: dockerHost,
      PATH: `${binDir}:${process.env.PATH}`,
      XDG_CACHE_HOME: join(work, 'xdg'),
    };

    const step = async (action: string, inputs: Record<string, string>): Promise<Timed> => {
      const started = Date.now();
      const run = await runBundledAction({
        actionDir: join(repoRoot, 'actions', action),
        node: 'node24',
        workspace: repoRoot,
        inputs,
        env,
        timeoutMs: 600_000,
      });
      const ms = Date.now() - started;
      if (run.main.exitCode !== 0) {
        throw new Error(`${action} failed (exit ${run.main.exitCode}):\n${run.main.visibleLog.slice(-3000)}`);
      }
      if (run.main.outputs.digest) digests.add(run.main.outputs.digest);
      return { main: run.main, ms };
    };
    const build = (version: string, pushByDigest: boolean) =>
      step('build-push', {
        ...login,
        repository,
        context: 'service',
        'build-args': `BUILD_IMAGE=${bases.build}\nRUNTIME_IMAGE=${bases.runtime}\nVERSION=${version}`,
        labels: label,
        tags: `bench-${version}\nbench-${version}-b`,
        'push-by-digest': String(pushByDigest),
      });
    const scan = (imageRef: string, cacheDir: string, fromRegistry: boolean) =>
      step('trivy-scan', {
        'image-ref': imageRef,
        'trivy-source': 'path',
        'cache-dir': cacheDir,
        'report-dir': join(work, 'reports'),
        'fail-on': 'CRITICAL',
        ...(fromRegistry ? { username: registry!.username, password: registry!.password } : {}),
      });

    // 1. Scan times.
    console.error('scan times: fresh and warm cache dir, from the engine and from the registry');
    const first = await build('scan-0', true);
    const byDigest = first.main.outputs['image-ref'] as string;
    const inEngine = first.main.outputs['image-id'] as string;
    const scanRows: [string, number[], number[]][] = [];
    for (const [where, reference, fromRegistry] of [
      ['the engine (image ID)', inEngine, false],
      ['the registry (by digest)', byDigest, true],
    ] as const) {
      const fresh: number[] = [];
      const warm: number[] = [];
      for (let i = 0; i < runs; i++) {
        const cacheDir = join(work, `cache-${fromRegistry}-${i}`);
        trivyCacheDir(db, cacheDir);
        fresh.push((await scan(reference, cacheDir, fromRegistry)).ms);
        warm.push((await scan(reference, cacheDir, fromRegistry)).ms);
      }
      scanRows.push([where, fresh, warm]);
    }

    // 2. The two orders, alternated.
    console.error(`the two orders, ${runs} runs each, alternated`);
    const sharedCache = join(work, 'cache-orders');
    trivyCacheDir(db, sharedCache);
    const old: { build: number; scan: number; total: number }[] = [];
    const gateFirst: { build: number; scan: number; tag: number; total: number }[] = [];
    for (let i = 1; i <= runs; i++) {
      const a = await build(`old-${i}`, false);
      const aScan = await scan(a.main.outputs['image-ref'] as string, sharedCache, true);
      old.push({ build: a.ms, scan: aScan.ms, total: a.ms + aScan.ms });
      const b = await build(`gate-${i}`, true);
      const bScan = await scan(b.main.outputs['image-ref'] as string, sharedCache, true);
      const tag = await step('tag-image', {
        ...login,
        image: b.main.outputs['image-ref'] as string,
        tags: b.main.outputs.tags as string,
      });
      gateFirst.push({ build: b.ms, scan: bScan.ms, tag: tag.ms, total: b.ms + bScan.ms + tag.ms });
      console.error(
        `  run ${i}: old order ${seconds(old.at(-1)!.total)} s, gate first ${seconds(gateFirst.at(-1)!.total)} s`,
      );
    }

    const load = loadavg()[0]!.toFixed(2);
    const range = (values: number[]) =>
      `${seconds(median(values))} s (${seconds(Math.min(...values))}–${seconds(Math.max(...values))})`;
    console.log(`Trivy ${trivy.version}, ${runs} runs each, load average ${load} at the end\n`);
    console.log('| trivy-scan of the service image, from | fresh cache dir | same cache dir again |');
    console.log('| --- | --- | --- |');
    for (const [where, fresh, warm] of scanRows)
      console.log(`| ${where} | ${range(fresh)} | ${range(warm)} |`);
    console.log('\n| order | build-push | trivy-scan | tag-image | total |');
    console.log('| --- | --- | --- | --- | --- |');
    console.log(
      `| old: every tag pushed, then the scan | ${range(old.map((r) => r.build))} | ${range(old.map((r) => r.scan))} | – | ${range(old.map((r) => r.total))} |`,
    );
    console.log(
      `| gate first: by digest, scan, then the tags | ${range(gateFirst.map((r) => r.build))} | ${range(gateFirst.map((r) => r.scan))} | ${range(gateFirst.map((r) => r.tag))} | ${range(gateFirst.map((r) => r.total))} |`,
    );
    const extra = median(gateFirst.map((r) => r.total)) - median(old.map((r) => r.total));
    console.log(
      `\nGate first costs ${seconds(extra)} s (${((extra / median(old.map((r) => r.total))) * 100).toFixed(0)} %) over the old order, medians.`,
    );
  } finally {
    if (registry) {
      for (const digest of digests) await deleteManifest(registry, repository, digest).catch(() => undefined);
    }
    if (dockerHost) await removeImagesLabelled({ host: dockerHost }, label).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
    await endTestRun(lease);
  }
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exitCode = 1;
});
