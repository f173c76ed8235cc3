// npm run bench:pipeline: the whole local pipeline (the demo without the machine setup), cold and warm,
// with the time of each phase. Prints a Markdown table for docs/benchmarks.md ("Pipeline").
//   cold: a fresh sandbox state directory and a Docker engine of its own that the sandbox starts, so
//         nothing runs and no image exists: not the base images, not the service image; and the service
//         bundle is built again, as on a fresh clone;
//   warm: the same sandbox again, up, with the base images cached and the bundle kept (its sources did not
//         change); each run ships a new image (an update rollout).
//   BENCH_COLD=N (default 1) and BENCH_WARM=N (default 2) runs. Stops and removes all it started.
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDemo } from '../cli/src/demo/demo.js';
import { buildToReadyMs } from '../cli/src/demo/report.js';
import { repoRoot } from '../runner/src/paths.js';
import { unmountBelow } from '../sandbox/src/cluster/mounts.js';
import { sandboxDown } from '../sandbox/src/sandbox.js';
import { forgetServiceBundle } from '../service/build/bundle.js';

const PHASES = [
  'sandbox',
  'bundle',
  'base images',
  'build',
  'push',
  'scan',
  'tag',
  'deploy',
  'rollout',
  'check',
];

function countFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 20) {
    throw new Error(`${name} is '${raw}'; expected a whole number from 0 to 20`);
  }
  return value;
}

interface Row {
  kind: 'cold' | 'warm';
  phases: Record<string, number>;
  buildToReadyMs: number;
  wallMs: number;
  load: string;
}

const seconds = (ms: number | undefined) => (ms === undefined ? '–' : (ms / 1000).toFixed(1));
const logDir = join(repoRoot, '.state', 'bench-pipeline');
mkdirSync(logDir, { recursive: true });

async function measure(kind: Row['kind'], index: number): Promise<Row> {
  const logFile = join(logDir, `${kind}-${index}.log`);
  const log = createWriteStream(logFile);
  const loadBefore = loadavg()[0]!.toFixed(2);
  const started = Date.now();
  const result = await runDemo({ out: log, startedBy: 'user', imageLabel: 'k8s-ship.bench=pipeline' });
  const wallMs = Date.now() - started;
  await new Promise((resolve) => log.end(resolve));
  if (!result.succeeded) throw new Error(`the ${kind} run failed: see ${logFile}`);
  const phases = Object.fromEntries(result.timeline.phases.map((phase) => [phase.label, phase.durationMs]));
  const row = {
    kind,
    phases,
    buildToReadyMs: buildToReadyMs(result.timeline.phases),
    wallMs,
    load: `${loadBefore} → ${loadavg()[0]!.toFixed(2)}`,
  };
  console.error(
    `${kind} run ${index}: build→ready ${seconds(row.buildToReadyMs)} s, wall ${seconds(wallMs)} s (log: ${logFile})`,
  );
  return row;
}

const cold = countFrom('BENCH_COLD', 1);
const warm = countFrom('BENCH_WARM', 2);
// The bench's own sandbox and engine: a person's sandbox and the shared engine are never touched.
delete process.env.DOCKER_HOST;
const rows: Row[] = [];
let stateDir: string | undefined;

async function tearDown(): Promise<void> {
  if (!stateDir) return;
  await sandboxDown();
  await unmountBelow(stateDir); // dockerd leaves its network namespace mounted after it stops
  rmSync(stateDir, { recursive: true, force: true });
  stateDir = undefined;
}

try {
  for (let i = 1; i <= Math.max(cold, warm > 0 ? 1 : 0); i++) {
    await tearDown();
    stateDir = mkdtempSync(join(tmpdir(), 'k8s-ship-bench-pipeline-'));
    process.env.SANDBOX_DIR = stateDir;
    forgetServiceBundle();
    const row = await measure('cold', i);
    if (i <= cold) rows.push(row);
  }
  for (let i = 1; i <= warm; i++) rows.push(await measure('warm', i));
} finally {
  printTable(rows);
  await tearDown();
}

function printTable(rows: readonly Row[]): void {
  const header = ['run', ...PHASES, 'build→ready', 'wall', 'load (1 min)'];
  console.log(`| ${header.join(' | ')} |`);
  console.log(`| ${header.map(() => '---').join(' | ')} |`);
  for (const row of rows) {
    const cells = PHASES.map((phase) => seconds(row.phases[phase]));
    console.log(
      `| ${[row.kind, ...cells, seconds(row.buildToReadyMs), seconds(row.wallMs), row.load].join(' | ')} |`,
    );
  }
}
