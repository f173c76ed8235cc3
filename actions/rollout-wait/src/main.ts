import { type Clock, systemClock } from '../../lib/src/clock.js';
import {
  deadlineSignal,
  errorMessage,
  info,
  setOutputs,
  warning,
  writeJobSummary,
} from '../../lib/src/index.js';
import {
  KubectlTarget,
  type OpenKubectl,
  openKubectl,
  type TargetConnection,
} from '../../lib/src/target/index.js';
import { getInputs, type RolloutWaitInputs } from './inputs.js';
import { type RolloutOutcome, waitForRollout } from './rollout-wait.js';
import { rolloutSummary } from './summary.js';

export interface RolloutWaitDeps {
  open: (connection: TargetConnection, signal?: AbortSignal) => Promise<OpenKubectl>;
  clock: Clock;
}

export const defaultDeps = (): RolloutWaitDeps => ({
  open: (connection, signal) => openKubectl(connection, undefined, signal),
  clock: systemClock,
});

/** Bounds every request, so that a hung connection turns into an error the watcher retries. */
const REQUEST_TIMEOUT_SECONDS = 10;

async function watch(inputs: RolloutWaitInputs, deps: RolloutWaitDeps): Promise<RolloutOutcome> {
  const { namespace, deployment } = inputs.settings;
  const startedAt = deps.clock.now();
  const open = await deps.open(inputs.connection, deadlineSignal(startedAt + inputs.settings.timeoutMs));
  try {
    const cluster = new KubectlTarget(open.kubectl, { requestTimeoutSeconds: REQUEST_TIMEOUT_SECONDS });
    // Not in a log group: the progress lines are what a reader of the step's log looks for first.
    info(`Watching the rollout of deployment/${deployment} in ${namespace}`);
    const settings = { ...inputs.settings, startedAt };
    return await waitForRollout(cluster, settings, deps.clock, { info, warning });
  } finally {
    await open.close();
  }
}

export async function run(deps: RolloutWaitDeps = defaultDeps()): Promise<void> {
  const inputs = getInputs();
  const { namespace, deployment } = inputs.settings;
  const start = deps.clock.now();
  let outcome: RolloutOutcome;
  try {
    outcome = await watch(inputs, deps);
  } catch (error) {
    // No connection, a missing Deployment, a forbidden read: later steps still get a result to act on.
    setOutputs({
      result: 'failed',
      reason: errorMessage(error),
      revision: '',
      'duration-seconds': ((deps.clock.now() - start) / 1000).toFixed(1),
    });
    throw error;
  }
  setOutputs({
    result: outcome.result,
    reason: outcome.reason,
    revision: outcome.revision === undefined ? '' : String(outcome.revision),
    'duration-seconds': (outcome.durationMs / 1000).toFixed(1),
  });
  await writeJobSummary(rolloutSummary(namespace, deployment, outcome));
  if (outcome.result === 'succeeded') {
    info(`deployment/${deployment} is available: ${outcome.reason}.`);
    return;
  }
  if (outcome.result === 'superseded') {
    // Not a success (this revision was not judged) and not a failure of it: nothing was rolled back.
    throw new Error(`deployment/${deployment}: ${outcome.reason}; nothing was rolled back.`);
  }
  // Failed even after a good rollback: the change that was asked for did not ship.
  const rolledBack =
    outcome.result === 'rolled-back' ? ` Rolled back to revision ${outcome.rollback?.toRevision}.` : '';
  const reason = outcome.reason.replace(/\.$/, '');
  throw new Error(`the rollout of deployment/${deployment} failed: ${reason}.${rolledBack}`);
}
