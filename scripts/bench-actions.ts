// npm run bench:actions: what starting each action costs over starting Node itself. Runs every committed
// actions/*/dist/index.js under Node 24 (GitHub's `node24` runtime) next to `node -e 0`, with hyperfine,
// in one run; prints a Markdown table for docs/benchmarks.md ("Action start-up").
//   BENCH_RUNS=N (default 40) timed runs per command, BENCH_WARMUP=N (default 5) untimed runs first.
//   BENCH_BASE=REV also runs the bundles committed at REV (a commit, tag or branch), in the same run, so a
//   change is measured before and after side by side.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { nodeBinary, repoRoot } from '../runner/src/paths.js';
import { type ActionCase, actionCases, checkCase } from './bench-actions/cases.js';
import { inputDefaults, runnerEnvironment } from './bench-actions/runner-env.js';

interface HyperfineResult {
  command: string;
  mean: number;
  stddev: number;
  median: number;
  min: number;
  max: number;
  /** Mean CPU seconds in user and kernel mode: less sensitive than wall time to other load on the machine. */
  user: number;
  system: number;
}

function countFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 1000) {
    throw new Error(`${name} is '${raw}'; expected a whole number from 1 to 1000`);
  }
  return value;
}

const ms = (seconds: number) => (seconds * 1000).toFixed(1);

const runs = countFrom('BENCH_RUNS', 40);
const warmup = countFrom('BENCH_WARMUP', 5);
// Relative to the repository root, which is the working directory of every run: hyperfine splits its
// commands on whitespace (no shell), so no absolute path with a space can break them apart.
const node = relative(repoRoot, nodeBinary('node24'));
const nodeVersion = spawnSync(node, ['--version'], { cwd: repoRoot, encoding: 'utf8' }).stdout.trim();
const base = process.env.BENCH_BASE;
const work = mkdtempSync(join(tmpdir(), 'k8s-ship-bench-actions-'));

/** The cases whose bundle was committed at `rev`, run from a copy of that commit's dist folders. */
function baseCases(rev: string): ActionCase[] {
  const commit = execFileSync('git', ['rev-parse', '--short', `${rev}^{commit}`], {
    cwd: repoRoot,
    encoding: 'utf8',
  }).trim();
  const dir = join(work, `base-${commit}`);
  mkdirSync(dir);
  const present = actionCases(repoRoot).filter(
    (c) => spawnSync('git', ['cat-file', '-e', `${commit}:${c.bundle}`], { cwd: repoRoot }).status === 0,
  );
  const archive = spawnSync('git', ['archive', commit, ...present.map((c) => dirname(c.bundle))], {
    cwd: repoRoot,
    maxBuffer: 512 * 1024 * 1024,
  });
  if (archive.status !== 0) throw new Error(`git archive ${commit} failed: ${archive.stderr}`);
  execFileSync('tar', ['-x', '-C', dir], { input: archive.stdout });
  return present.map((c) => ({
    ...c,
    name: `${c.name} @${commit}`,
    bundle: relative(repoRoot, join(dir, c.bundle)),
  }));
}

const cases = [...actionCases(repoRoot), ...(base ? baseCases(base) : [])].sort((a, b) =>
  a.name.localeCompare(b.name),
);
const bundleSizeMb = (actionCase: ActionCase) => statSync(join(repoRoot, actionCase.bundle)).size / 1e6;
try {
  const env = { ...runnerEnvironment(work), ...inputDefaults(cases.map((c) => c.metadata)) };
  for (const actionCase of cases) checkCase(actionCase, node, env, repoRoot);

  const jsonPath = join(work, 'hyperfine.json');
  const commands = [`${node} -e 0`, ...cases.map((c) => `${node} ${c.bundle}`)];
  const names = ['node -e 0', ...cases.map((c) => c.name)];
  const before = loadavg()[0]!.toFixed(2);
  const hyperfine = spawnSync(
    'hyperfine',
    [
      '--shell=none',
      '--ignore-failure', // all but branch-to-namespace stop at their first check with exit code 1, as intended
      '--style=basic',
      `--warmup=${warmup}`,
      `--runs=${runs}`,
      `--export-json=${jsonPath}`,
      ...names.flatMap((name) => ['--command-name', name]),
      ...commands,
    ],
    { cwd: repoRoot, env, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (hyperfine.error) throw new Error(`hyperfine could not start: ${hyperfine.error.message}`);
  if (hyperfine.status !== 0) throw new Error(`hyperfine exited with ${hyperfine.status}`);
  const after = loadavg()[0]!.toFixed(2);

  const results = (JSON.parse(readFileSync(jsonPath, 'utf8')) as { results: HyperfineResult[] }).results;
  const [bare, ...actions] = results;
  if (bare === undefined || actions.length !== cases.length) throw new Error('hyperfine reported no results');

  console.log(
    `\n${new Date().toISOString().slice(0, 10)}, Node ${nodeVersion}, ${runs} runs after ${warmup} warm-up runs each; 1-minute load average ${before} before, ${after} after.\n`,
  );
  const cpu = (result: HyperfineResult) => result.user + result.system;
  console.log(
    '| command | bundle MB | mean ms ± σ | median ms | min ms | CPU ms | over `node -e 0`: mean / min / CPU ms | stops at |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  console.log(
    `| \`node -e 0\` | | ${ms(bare.mean)} ± ${ms(bare.stddev)} | ${ms(bare.median)} | ${ms(bare.min)} | ${ms(cpu(bare))} | | |`,
  );
  actions.forEach((result, index) => {
    const actionCase = cases[index]!;
    const over = [result.mean - bare.mean, result.min - bare.min, cpu(result) - cpu(bare)];
    console.log(
      `| ${actionCase.name} | ${bundleSizeMb(actionCase).toFixed(3)} | ${ms(result.mean)} ± ${ms(result.stddev)} | ` +
        `${ms(result.median)} | ${ms(result.min)} | ${ms(cpu(result))} | ${over.map((s) => `+${ms(s)}`).join(' / ')} | ` +
        `${actionCase.stopsAt} |`,
    );
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
