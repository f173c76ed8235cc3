/*
 * A bad version (test/e2e/faulty-service.ts: 30 % of answers 500) shipped two ways on the sandbox, one
 * run, side by side, under 20 requests a second through the Service:
 * 1. canary (ssh-set-image, strategy canary, 10 % then 50 %, 20 s steps, Prometheus every 4 s);
 * 2. rolling (strategy rolling: what `kubectl set image` does), the step green once the pods are ready.
 * Each is watched for the same 60 s from the deploy's start: the requests failed, from the first failed
 * request to the last (for the canary: until traffic is back on stable), and the share still failing at
 * the end. The rolling update is then undone by `kubectl rollout undo`, outside the figures.
 * Prints the figures; docs/benchmarks.md ("Progressive delivery") records a run.
 */
import type { StepRun } from '../runner/src/run-bundle.js';
import { sleep } from '../sandbox/src/exec.js';
import { requireComponents, sandboxUp } from '../sandbox/src/sandbox.js';
import { beginTestRun, endTestRun } from '../sandbox/src/testing.js';
import { analysisOf, ProgressiveStage } from '../test/e2e/progressive-stage.js';
import { isFailure, type LoadReport } from '../test/e2e/steady-load.js';

const seconds = (ms: number) => (ms / 1000).toFixed(1);

/** Both ways are watched for the same minute from the deploy's start, under the same load. */
const WINDOW_MS = 60_000;

interface Watched {
  step: StepRun;
  load: LoadReport;
  startedAt: number;
  /** How long the deploy step ran. */
  stepMs: number;
}

/** The figures of one way over the window: what users saw, and when the failing stopped. */
function figures({ load, startedAt }: Watched) {
  const inWindow = load.requests.filter(
    (r) => r.startedAt >= startedAt && r.startedAt < startedAt + WINDOW_MS,
  );
  const failed = inWindow.filter(isFailure).sort((a, b) => a.startedAt - b.startedAt);
  const lastTen = inWindow.filter((r) => r.startedAt >= startedAt + WINDOW_MS - 10_000);
  return {
    requests: inWindow.length,
    failed: failed.length,
    firstToLast: failed.length > 0 ? failed.at(-1)!.startedAt - failed[0]!.startedAt : 0,
    failingAtEnd: lastTen.filter(isFailure).length / Math.max(1, lastTen.length),
  };
}

async function main(): Promise<void> {
  const id = beginTestRun();
  const wanted = ['docker', 'registry', 'kube', 'prometheus', 'ssh'] as const;
  console.error(`bench: bringing up the sandbox (${wanted.join(', ')})`);
  const sandbox = requireComponents(await sandboxUp(wanted, { startedBy: 'tests' }), wanted);
  const stage = new ProgressiveStage(sandbox, `bench-progressive-${process.pid}`);
  const watch = async (strategy: 'canary' | 'rolling'): Promise<Watched> => {
    let startedAt = 0;
    let stepMs = 0;
    const { result: step, load } = await stage.underLoad(async () => {
      startedAt = Date.now();
      const step = await stage.deploy('errors', strategy);
      stepMs = Date.now() - startedAt;
      if (strategy === 'rolling') {
        await stage.kube.kubectl([
          ...stage.ns,
          'rollout',
          'status',
          'deployment/metrics-api',
          '--timeout=180s',
        ]);
      }
      await sleep(Math.max(0, startedAt + WINDOW_MS - Date.now()));
      return step;
    }, 0);
    return { step, load, startedAt, stepMs };
  };
  try {
    console.error('bench: building and pushing the good and the bad images, serving the good one');
    await stage.setUp();

    console.error('bench: 1/2 the bad version (30 % of answers 500) as a canary, watched for 60 s');
    const canary = await watch('canary');
    const [step] = analysisOf(canary.step);
    if (canary.step.outputs.outcome !== 'aborted' || !step) {
      throw new Error(`the canary was not aborted: ${canary.step.errors.join('; ')}`);
    }
    console.error('bench: 2/2 the same version as a rolling update, watched for 60 s');
    const rolling = await watch('rolling');
    await stage.kube.kubectl([...stage.ns, 'rollout', 'undo', 'deployment/metrics-api']);

    const c = figures(canary);
    const r = figures(rolling);
    const percent = (share: number) => `${Math.round(share * 100)} %`;
    const rows = [
      [
        '60 s from the deploy, 20 requests/s through the Service',
        'canary (10 %, 50 %; 20 s steps)',
        'rolling update',
      ],
      [
        'verdict',
        `aborted ${step.seconds} s into the first step, on ${step.requests} canary requests`,
        'none: rolled out to every pod',
      ],
      [
        'first failed request → last',
        `${seconds(c.firstToLast)} s, then traffic back on stable`,
        `${seconds(r.firstToLast)} s, still failing when the window ends`,
      ],
      ['requests failed', `${c.failed} of ${c.requests}`, `${r.failed} of ${r.requests}`],
      ['failing in the window’s last 10 s', percent(c.failingAtEnd), percent(r.failingAtEnd)],
      ['the deploy step took', `${seconds(canary.stepMs)} s (red)`, `${seconds(rolling.stepMs)} s (green)`],
    ];
    for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  } finally {
    await stage.tearDown().catch((error: Error) => console.error(`bench: tear-down: ${error.message}`));
    await endTestRun(id);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
