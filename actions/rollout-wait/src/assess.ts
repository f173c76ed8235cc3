import { podsOf, type ReplicaSet } from '../../lib/src/kubectl/index.js';
import type { RolloutSnapshot } from '../../lib/src/target/index.js';
import {
  type FailureKind,
  type FailureThresholds,
  type PodProblem,
  podProblems,
  type StateTimers,
} from './pod-problems.js';
import { deploymentState, progressOf, type RolloutProgress } from './progress.js';
import { newReplicaSet, type RevisionIdentity, supersededBy } from './replica-sets.js';
import { type WaitingFor, waitingFor } from './waiting.js';

export interface RolloutFailure {
  kind: FailureKind;
  /** One sentence for the log, the `reason` output and the summary. */
  reason: string;
  problems: PodProblem[];
}

interface VerdictBase {
  progress: RolloutProgress;
  newReplicaSet?: ReplicaSet;
}

export type Verdict = VerdictBase &
  (
    | { state: 'waiting'; message: string; waitingFor?: WaitingFor }
    | { state: 'complete' }
    | { state: 'failed'; failure: RolloutFailure }
    /** Another revision replaced the one this watch judges: its outcome is no longer this rollout's. */
    | { state: 'superseded'; message: string }
  );

export interface AssessOptions {
  /** The watch follows a `rollout undo`: a progress deadline named for another ReplicaSet is not its own. */
  afterUndo?: boolean;
  /** The revision this watch judges (from ssh-set-image); absent: whatever revision is current. */
  identity?: RevisionIdentity;
}

function describeProblems(problems: readonly PodProblem[]): string {
  const [first] = problems;
  if (!first) return '';
  const where = first.container ? `pod ${first.pod}, container ${first.container}` : `pod ${first.pod}`;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return `${first.reason} in ${where}: ${first.message}${more}`;
}

/**
 * One look at a rollout: failed (with why), complete, superseded, or still waiting. Pod problems of the
 * new ReplicaSet come first: they are what makes the rollout fail fast, long before the progress deadline.
 */
export function assessRollout(
  snapshot: RolloutSnapshot,
  thresholds: FailureThresholds,
  timers: StateTimers,
  now: number,
  options: AssessOptions = {},
): Verdict {
  const { deployment } = snapshot;
  const rs = newReplicaSet(deployment, snapshot.replicaSets);
  const progress = progressOf(deployment, rs);
  const base = { progress, newReplicaSet: rs };
  if (options.identity) {
    const replaced = supersededBy(deployment, snapshot.replicaSets, options.identity);
    if (replaced) return { ...base, state: 'superseded', message: replaced };
  }

  const newPods = rs ? podsOf(rs, snapshot.pods) : [];
  const problems: PodProblem[] = [];
  const seen = new Set<string>();
  for (const pod of newPods) problems.push(...podProblems(pod, thresholds, timers, now, seen));
  timers.keepOnly(seen);
  if (problems.length > 0) {
    const kind = problems[0]!.kind;
    return { ...base, state: 'failed', failure: { kind, reason: describeProblems(problems), problems } };
  }

  const state = deploymentState(deployment, options.afterUndo ? rs?.metadata.name : undefined);
  switch (state.state) {
    case 'deadline-exceeded':
      return {
        ...base,
        state: 'failed',
        failure: {
          kind: 'progress-deadline',
          reason: `ProgressDeadlineExceeded: ${state.message}`,
          problems: [],
        },
      };
    case 'replica-failure':
      return {
        ...base,
        state: 'failed',
        failure: { kind: 'replica-failure', reason: state.message, problems: [] },
      };
    case 'waiting': {
      const pod = waitingFor(newPods, timers, now);
      const message = pod ? `new pod ${pod.pod} ${pod.what}` : state.message;
      return { ...base, state: 'waiting', message, waitingFor: pod };
    }
    case 'complete':
      return { ...base, state: 'complete' };
  }
}
