import type { Clock } from '../../lib/src/clock.js';
import type { RolloutFailure } from './assess.js';
import type { RolloutCluster } from './cluster.js';
import { collectFailureDetails, type PodDetails } from './failure-details.js';
import type { FailureThresholds } from './pod-problems.js';
import type { RolloutProgress } from './progress.js';
import { previousRevision, type RevisionIdentity, replicaSetOfRevision } from './replica-sets.js';
import { type RollbackResult, rollBack } from './rollback.js';
import { type WatchLog, watchRollout } from './watcher.js';

/** How long reading the failing pods' events and logs may take. */
const DETAILS_MS = 15_000;

export interface RolloutWaitSettings {
  namespace: string;
  deployment: string;
  timeoutMs: number;
  rollbackTimeoutMs: number;
  pollIntervalMs: number;
  thresholds: FailureThresholds;
  rollbackOnFailure: boolean;
  /** From ssh-set-image; when absent, the highest revision below the current one. */
  previousRevision?: number;
  /** The revision ssh-set-image set; absent: the watch judges whatever revision is current. */
  identity?: RevisionIdentity;
  logLines: number;
  /** When the step started (clock ms): the timeout counts from then. Default: when the watch starts. */
  startedAt?: number;
}

/** `superseded`: another revision replaced the judged one before it was judged; nothing was rolled back. */
export type RolloutResult = 'succeeded' | 'failed' | 'rolled-back' | 'superseded';

export interface RolloutOutcome {
  result: RolloutResult;
  reason: string;
  /** The Deployment's revision when the action ends: the rolled-out one, or the one rolled back to. */
  revision?: number;
  durationMs: number;
  progress?: RolloutProgress;
  failure?: RolloutFailure;
  details: PodDetails[];
  rollback?: RollbackResult & { toRevision: number };
  /** Runner clock time of detection, for the benchmark. */
  detectedAt?: number;
}

/** Watches the rollout; on failure collects what explains it and, unless disabled, rolls back. */
export async function waitForRollout(
  cluster: RolloutCluster,
  settings: RolloutWaitSettings,
  clock: Clock,
  log: WatchLog,
): Promise<RolloutOutcome> {
  const start = settings.startedAt ?? clock.now();
  // Every call of the watch, reconnects included, ends by the timeout; the rollback has its own deadline.
  const result = await watchRollout(cluster.until(start + settings.timeoutMs), settings, clock, log);
  if (result.outcome === 'superseded') {
    log.warning(`Not judged: ${result.reason}.`);
    return {
      result: 'superseded',
      reason: result.reason,
      revision: result.revision,
      durationMs: clock.now() - start,
      progress: result.progress,
      details: [],
    };
  }
  if (result.outcome === 'complete') {
    return {
      result: 'succeeded',
      reason: `deployment/${settings.deployment} rolled out revision ${result.revision ?? '?'}`,
      revision: result.revision,
      durationMs: clock.now() - start,
      progress: result.progress,
      details: [],
    };
  }

  const { failure } = result;
  log.warning(`Rollout failed: ${failure.reason}`);
  // Diagnostics must not hold up the rollback: they get a short deadline of their own.
  const details = await collectFailureDetails(
    cluster.until(clock.now() + DETAILS_MS),
    settings.namespace,
    failure,
    settings.logLines,
  );
  const base = { progress: result.progress, failure, details, detectedAt: result.detectedAt };
  const failed = (reason: string, revision = result.revision): RolloutOutcome => ({
    ...base,
    result: 'failed',
    reason,
    revision,
    durationMs: clock.now() - start,
  });

  if (!settings.rollbackOnFailure) return failed(failure.reason);
  const { snapshot } = result;
  // Without a look at the Deployment there is no judged spec to undo safely.
  if (!snapshot) return failed(`${failure.reason} (not rolled back: the cluster never answered)`);
  const target = settings.previousRevision ?? previousRevision(snapshot.deployment, snapshot.replicaSets);
  if (target === undefined || target === result.revision) {
    return failed(`${failure.reason} (no earlier revision to roll back to)`);
  }
  const targetSet = replicaSetOfRevision(snapshot.deployment, snapshot.replicaSets, target);
  if (!targetSet) {
    return failed(`${failure.reason} (not rolled back: revision ${target} has no ReplicaSet left)`);
  }
  const rollback = await rollBack(
    cluster.until(clock.now() + settings.rollbackTimeoutMs),
    snapshot.deployment,
    targetSet,
    { ...settings, timeoutMs: settings.rollbackTimeoutMs, identity: undefined, startedAt: undefined },
    clock,
    log,
  );
  if (!rollback.ok) {
    return {
      ...failed(`${failure.reason}; ${rollback.reason}`, rollback.revision ?? result.revision),
      rollback: { ...rollback, toRevision: target },
    };
  }
  return {
    ...base,
    result: 'rolled-back',
    reason: failure.reason,
    revision: rollback.revision,
    durationMs: clock.now() - start,
    rollback: { ...rollback, toRevision: target },
  };
}
