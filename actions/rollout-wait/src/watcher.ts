import type { Clock } from '../../lib/src/clock.js';
import { AbortedError } from '../../lib/src/index.js';
import { ClusterError, revisionOf } from '../../lib/src/kubectl/index.js';
import type { RolloutSnapshot } from '../../lib/src/target/index.js';
import { assessRollout, type RolloutFailure } from './assess.js';
import type { RolloutCluster } from './cluster.js';
import { type FailureThresholds, StateTimers } from './pod-problems.js';
import { formatProgress, type RolloutProgress, sameProgress } from './progress.js';
import type { RevisionIdentity } from './replica-sets.js';
import type { WaitingFor } from './waiting.js';

/** A rollout that waits says what for at least this often, even when nothing changed. */
const WAITING_LINE_MS = 10_000;

export interface WatchLog {
  info(message: string): void;
  warning(message: string): void;
}

export interface WatchOptions {
  namespace: string;
  deployment: string;
  timeoutMs: number;
  /** Time between the starts of two polls (≤ 1 s keeps detection within 2 s of the pod reporting). */
  pollIntervalMs: number;
  thresholds: FailureThresholds;
  /**
   * The watch follows a `rollout undo`: the progress deadline of the ReplicaSet rolled back from, which
   * the controller keeps reporting until the Deployment completes, is not the rollback's.
   */
  afterUndo?: boolean;
  /** The revision to judge; absent: whatever revision is current. */
  identity?: RevisionIdentity;
  /** When the step started (clock ms): the timeout counts from then, connecting included. Default: now. */
  startedAt?: number;
}

export type WatchResult =
  | { outcome: 'complete'; revision?: number; progress: RolloutProgress; snapshot: RolloutSnapshot }
  | {
      outcome: 'failed';
      failure: RolloutFailure;
      revision?: number;
      progress?: RolloutProgress;
      snapshot?: RolloutSnapshot;
      /** Runner clock time at which the failure was seen. */
      detectedAt: number;
    }
  | {
      outcome: 'superseded';
      reason: string;
      revision?: number;
      progress: RolloutProgress;
      snapshot: RolloutSnapshot;
    };

/** The readiness probe's last complaint about a pod, from its Unhealthy events; '' when there is none. */
async function probeComplaint(cluster: RolloutCluster, namespace: string, pod: string): Promise<string> {
  try {
    const events = await cluster.podEvents(namespace, pod);
    const unhealthy = events.filter((event) => event.reason === 'Unhealthy').at(-1);
    return unhealthy?.message ? `, last: ${unhealthy.message.trim()}` : '';
  } catch {
    return ''; // An explanation that cannot be read must not fail the watch.
  }
}

async function waitingLine(
  cluster: RolloutCluster,
  options: WatchOptions,
  message: string,
  pod?: WaitingFor,
) {
  const detail = pod?.probeFailing ? await probeComplaint(cluster, options.namespace, pod.pod) : '';
  return `Waiting for ${message}${detail}`;
}

/**
 * Polls the rollout until it completes, fails, or times out. Polling (rather than a watch stream) makes
 * every look a full, consistent read: there is no resourceVersion to resume, so a 410 Gone, a 5xx or a
 * cut SSH connection costs one missed poll and nothing else. Transient API errors are retried until the
 * timeout; permanent ones (not found, forbidden) end the watch at once.
 */
export async function watchRollout(
  cluster: RolloutCluster,
  options: WatchOptions,
  clock: Clock,
  log: WatchLog,
): Promise<WatchResult> {
  const timers = new StateTimers();
  const start = options.startedAt ?? clock.now();
  const deadline = start + options.timeoutMs;
  let shown: RolloutProgress | undefined;
  let lastWaiting = 'no answer from the cluster yet';
  let errorStreak = 0;
  let last: RolloutSnapshot | undefined;
  let lastLineAt = clock.now();

  for (;;) {
    const pollStart = clock.now();
    let snapshot: RolloutSnapshot | undefined;
    try {
      snapshot = await cluster.snapshot(options.namespace, options.deployment);
      if (errorStreak > 0) log.info(`The cluster answers again after ${errorStreak} failed poll(s).`);
      errorStreak = 0;
    } catch (error) {
      // The deadline cut the call short: what the watch still waited for is the verdict.
      if (error instanceof AbortedError && error.timedOut) {
        lastWaiting = `${lastWaiting} (the cluster had not answered the last look when time ran out)`;
        break;
      }
      if (!(error instanceof ClusterError) || !error.transient) throw error;
      // One warning per streak: a flapping API should not flood the log.
      if (errorStreak === 0) log.warning(`Polling the rollout failed, retrying: ${error.message}`);
      errorStreak++;
      lastWaiting = `the cluster did not answer: ${error.message}`;
    }

    if (snapshot) {
      last = snapshot;
      const now = clock.now();
      const verdict = assessRollout(snapshot, options.thresholds, timers, now, {
        afterUndo: options.afterUndo,
        identity: options.identity,
      });
      const revision = revisionOf(snapshot.deployment);
      if (!sameProgress(shown, verdict.progress)) {
        shown = verdict.progress;
        lastLineAt = now;
        log.info(`${options.deployment}: ${formatProgress(verdict.progress)}`);
      }
      if (verdict.state === 'complete')
        return { outcome: 'complete', revision, progress: verdict.progress, snapshot };
      if (verdict.state === 'superseded') {
        return {
          outcome: 'superseded',
          reason: verdict.message,
          revision,
          progress: verdict.progress,
          snapshot,
        };
      }
      if (verdict.state === 'failed') {
        return {
          outcome: 'failed',
          failure: verdict.failure,
          revision,
          progress: verdict.progress,
          snapshot,
          detectedAt: now,
        };
      }
      lastWaiting = verdict.message;
      if (now - lastLineAt >= WAITING_LINE_MS) {
        lastLineAt = now;
        log.info(await waitingLine(cluster, options, verdict.message, verdict.waitingFor));
      }
    } else if (clock.now() - lastLineAt >= WAITING_LINE_MS) {
      lastLineAt = clock.now();
      log.info(`Waiting: ${lastWaiting}`);
    }

    const now = clock.now();
    if (now >= deadline) break;
    await clock.sleep(Math.max(0, Math.min(pollStart + options.pollIntervalMs, deadline) - now));
  }
  const now = clock.now();
  const seconds = Math.round(options.timeoutMs / 1000);
  const elapsed = Math.round((now - start) / 1000);
  // The real elapsed time: a deadline is only as good as what the message says of it.
  const after = elapsed === seconds ? `${seconds} s` : `${elapsed} s (timeout ${seconds} s)`;
  return {
    outcome: 'failed',
    failure: { kind: 'timeout', reason: `Timed out after ${after}: ${lastWaiting}`, problems: [] },
    revision: last ? revisionOf(last.deployment) : undefined,
    progress: shown,
    snapshot: last,
    detectedAt: now,
  };
}
