import type { Deployment, Pod, ReplicaSet } from '../../lib/src/kubectl/index.js';
import {
  type FailureKind,
  type FailureThresholds,
  type PodProblem,
  podProblems,
  type StateTimers,
} from './pod-problems.js';
import { deploymentState, progressOf, type RolloutProgress } from './progress.js';
import { newReplicaSet, podsOf } from './replica-sets.js';

/** What one poll reads: the Deployment, and the ReplicaSets and pods its selector matches. */
export interface RolloutSnapshot {
  deployment: Deployment;
  replicaSets: ReplicaSet[];
  pods: Pod[];
}

export interface RolloutFailure {
  kind: FailureKind;
  /** One sentence for the log, the `reason` output and the summary. */
  reason: string;
  problems: PodProblem[];
}

export type Verdict =
  | { state: 'waiting'; message: string; progress: RolloutProgress; newReplicaSet?: string }
  | { state: 'complete'; progress: RolloutProgress; newReplicaSet?: string }
  | { state: 'failed'; failure: RolloutFailure; progress: RolloutProgress; newReplicaSet?: string };

function describeProblems(problems: readonly PodProblem[]): string {
  const [first] = problems;
  if (!first) return '';
  const where = first.container ? `pod ${first.pod}, container ${first.container}` : `pod ${first.pod}`;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return `${first.reason} in ${where}: ${first.message}${more}`;
}

/**
 * One look at a rollout: failed (with why), complete, or still waiting. Pod problems of the new ReplicaSet
 * come first: they are what makes the rollout fail fast, long before the progress deadline would.
 */
export function assessRollout(
  snapshot: RolloutSnapshot,
  thresholds: FailureThresholds,
  timers: StateTimers,
  now: number,
  options: { afterUndo?: boolean } = {},
): Verdict {
  const { deployment } = snapshot;
  const progress = progressOf(deployment);
  const rs = newReplicaSet(deployment, snapshot.replicaSets);
  const rsName = rs?.metadata.name;

  const problems: PodProblem[] = [];
  const seen = new Set<string>();
  if (rs)
    for (const pod of podsOf(rs, snapshot.pods))
      problems.push(...podProblems(pod, thresholds, timers, now, seen));
  timers.keepOnly(seen);
  if (problems.length > 0) {
    const kind = problems[0]!.kind;
    return {
      state: 'failed',
      failure: { kind, reason: describeProblems(problems), problems },
      progress,
      newReplicaSet: rsName,
    };
  }

  const state = deploymentState(deployment, options.afterUndo ? rsName : undefined);
  switch (state.state) {
    case 'deadline-exceeded':
      return {
        state: 'failed',
        failure: {
          kind: 'progress-deadline',
          reason: `ProgressDeadlineExceeded: ${state.message}`,
          problems: [],
        },
        progress,
        newReplicaSet: rsName,
      };
    case 'replica-failure':
      return {
        state: 'failed',
        failure: { kind: 'replica-failure', reason: state.message, problems: [] },
        progress,
        newReplicaSet: rsName,
      };
    case 'waiting':
      return { state: 'waiting', message: state.message, progress, newReplicaSet: rsName };
    case 'complete':
      return { state: 'complete', progress, newReplicaSet: rsName };
  }
}
