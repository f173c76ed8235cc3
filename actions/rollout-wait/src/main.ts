import { group, info, setOutputs, warning, writeJobSummary } from '../../lib/src/index.js';
import { type OpenKubectl, openKubectl } from './connection.js';
import { type ConnectionInputs, getInputs } from './inputs.js';
import { KubectlCluster } from './kubectl-cluster.js';
import { waitForRollout } from './rollout-wait.js';
import { rolloutSummary } from './summary.js';
import { type Clock, systemClock } from './watcher.js';

export interface RolloutWaitDeps {
  open: (connection: ConnectionInputs) => Promise<OpenKubectl>;
  clock: Clock;
}

export const defaultDeps = (): RolloutWaitDeps => ({ open: openKubectl, clock: systemClock });

export async function run(deps: RolloutWaitDeps = defaultDeps()): Promise<void> {
  const { settings, connection } = getInputs();
  const { namespace, deployment } = settings;
  const open = await deps.open(connection);
  try {
    const cluster = new KubectlCluster(open.kubectl);
    const outcome = await group(`Watch the rollout of deployment/${deployment} in ${namespace}`, () =>
      waitForRollout(cluster, settings, deps.clock, { info, warning }),
    );
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
    // Failed even after a good rollback: the change that was asked for did not ship.
    const rolledBack =
      outcome.result === 'rolled-back' ? ` Rolled back to revision ${outcome.rollback?.toRevision}.` : '';
    const reason = outcome.reason.replace(/\.$/, '');
    throw new Error(`the rollout of deployment/${deployment} failed: ${reason}.${rolledBack}`);
  } finally {
    await open.close();
  }
}
