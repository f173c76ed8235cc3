/*
 * A bad version (test/e2e/faulty-service.ts: 30 % of answers 500) shipped two ways on the sandbox, one
 * run, side by side, under 20 requests a second through the Service:
 * 1. canary (ssh-set-image, strategy canary, 10 % then 50 %, 20 s steps, Prometheus every 4 s): from the
 *    first request the bad version failed to the last, when traffic is back on stable; the requests it
 *    failed; the action's own figures (the verdict's time into the step, the rollback's seconds);
 * 2. rolling (strategy rolling, as `kubectl set image` does): from the first failed request, the same
 *    number of seconds as the canary's whole run plus the rollout, and the requests failed by then: the
 *    bad version reaches every pod and keeps failing until a person rolls it back (done here by
 *    `kubectl rollout undo`, outside the figures).
 * Prints the figures; docs/benchmarks.md ("Progressive delivery") records a run.
 */
import { requireComponents, sandboxUp } from '../sandbox/src/sandbox.js';
import { beginTestRun, endTestRun } from '../sandbox/src/testing.js';
import { analysisOf, ProgressiveStage } from '../test/e2e/progressive-stage.js';
import { isFailure, type LoadReport } from '../test/e2e/steady-load.js';

const seconds = (ms: number) => (ms / 1000).toFixed(1);

function failedWindow(load: LoadReport): { first: number; last: number; count: number } | undefined {
  const failed = load.requests.filter(isFailure).sort((a, b) => a.startedAt - b.startedAt);
  if (failed.length === 0) return undefined;
  return { first: failed[0]!.startedAt, last: failed.at(-1)!.startedAt, count: failed.length };
}

async function main(): Promise<void> {
  const id = beginTestRun();
  const wanted = ['docker', 'registry', 'kube', 'prometheus', 'ssh'] as const;
  console.error(`bench: bringing up the sandbox (${wanted.join(', ')})`);
  const sandbox = requireComponents(await sandboxUp(wanted, { startedBy: 'tests' }), wanted);
  const stage = new ProgressiveStage(sandbox, `bench-progressive-${process.pid}`);
  try {
    console.error('bench: building and pushing the good and the bad images, serving the good one');
    await stage.setUp();

    console.error('bench: 1/2 the bad version as a canary');
    const canary = await stage.underLoad(() => stage.deploy('errors', 'canary'));
    const canaryFailed = failedWindow(canary.load);
    const [step] = analysisOf(canary.result);
    if (canary.result.outputs.outcome !== 'aborted' || !canaryFailed || !step) {
      throw new Error(`the canary was not aborted on failed requests: ${canary.result.errors.join('; ')}`);
    }
    const canaryRunMs = canary.load.endedAt - canary.load.startedAt;

    console.error('bench: 2/2 the bad version as a rolling update');
    const rolling = await stage.underLoad(async () => {
      const step = await stage.deploy('errors', 'rolling');
      await stage.kube.kubectl([
        ...stage.ns,
        'rollout',
        'status',
        'deployment/metrics-api',
        '--timeout=180s',
      ]);
      return step;
    }, 1000);
    const rollingFailed = failedWindow(rolling.load);
    if (!rollingFailed) throw new Error('the rolling update of the bad version failed no request');
    // Observed as long after its first failure as the canary's whole run took.
    const observedUntil = rollingFailed.first + canaryRunMs;
    const rollingCount = rolling.load.requests.filter(
      (r) => isFailure(r) && r.startedAt < observedUntil,
    ).length;
    const rollingTail = rolling.load.requests.filter((r) => r.startedAt > rolling.load.endedAt - 5000);
    await stage.kube.kubectl([...stage.ns, 'rollout', 'undo', 'deployment/metrics-api']);

    const rows = [
      ['', 'canary (10 %, 50 %; 20 s steps)', 'rolling update'],
      [
        'first failed request → traffic back on stable',
        `${seconds(canaryFailed.last - canaryFailed.first)} s`,
        `never (still ${Math.round((rollingTail.filter(isFailure).length / Math.max(1, rollingTail.length)) * 100)} % failing at the end)`,
      ],
      [
        `requests failed (20/s, over ${seconds(canaryRunMs)} s)`,
        `${canaryFailed.count} of ${canary.load.requests.length}`,
        `${rollingCount} of ${rolling.load.requests.filter((r) => r.startedAt >= rollingFailed.first && r.startedAt < observedUntil).length} from its first failure`,
      ],
      [
        'verdict',
        `aborted ${step.seconds} s into the first step (${step.requests} canary requests)`,
        'none: rolled out to every pod',
      ],
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
