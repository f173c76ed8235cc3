import { type ContainerStatus, conditionOf, type Pod } from '../../lib/src/kubectl/index.js';

/** The failure kinds the watcher fails fast on; `reason` in a problem is Kubernetes' own word for it. */
export type FailureKind =
  | 'image-pull'
  | 'invalid-image'
  | 'container-config'
  | 'container-start'
  | 'crash-loop'
  | 'unschedulable'
  | 'readiness'
  | 'progress-deadline'
  | 'replica-failure'
  | 'timeout'
  | 'superseded';

export interface PodProblem {
  kind: FailureKind;
  pod: string;
  container?: string;
  /** Kubernetes' reason, e.g. ImagePullBackOff, CrashLoopBackOff, Unschedulable. */
  reason: string;
  message: string;
  /** Whether the container ran and exited: its previous instance has the logs worth showing. */
  restarted: boolean;
}

export interface FailureThresholds {
  /** CrashLoopBackOff fails the rollout once the container restarted this many times. */
  crashLoopRestarts: number;
  /** How long a pod may stay unschedulable. */
  unschedulableMs: number;
  /** How long a pod whose containers all run may stay not ready. */
  readinessMs: number;
  /** How long an image pull may keep failing for a reason that can pass (a registry hiccup). */
  imagePullGraceMs: number;
}

/** Waiting reasons that will not resolve by themselves: the rollout fails at the first sight of them. */
const HOPELESS_WAITING: Record<string, FailureKind> = {
  ErrImageNeverPull: 'image-pull',
  InvalidImageName: 'invalid-image',
  CreateContainerConfigError: 'container-config',
  CreateContainerError: 'container-start',
  RunContainerError: 'container-start',
  StartError: 'container-start',
  ContainerCannotRun: 'container-start',
};

/** A container that exited with one of these never ran its program (no entrypoint, bad mount, …). */
const START_FAILURES = new Set(['StartError', 'ContainerCannotRun', 'RunContainerError']);

const PULLING = new Set(['ErrImagePull', 'ImagePullBackOff']);

/** Pull errors that asking again will not mend: the image or tag is not there, or the registry says no. */
const PERMANENT_PULL =
  /not found|manifest unknown|name unknown|unauthorized|authentication required|denied|forbidden|\b40[134]\b/i;

/**
 * Remembers, across polls, since when each pod has been in a state that is only a failure once it lasts
 * (unschedulable, running but not ready). Measured on this runner's clock, so the cluster's clock skew
 * does not matter; a state that ends is forgotten, so a pod that turns ready and back starts over.
 */
export class StateTimers {
  private readonly since = new Map<string, number>();

  /** Milliseconds the state `key` has lasted so far, without starting it. */
  peek(key: string, now: number): number | undefined {
    const start = this.since.get(key);
    return start === undefined ? undefined : now - start;
  }

  /** Milliseconds the state `key` has lasted, starting it now when it is new. */
  lasted(key: string, now: number): number {
    const start = this.since.get(key);
    if (start === undefined) {
      this.since.set(key, now);
      return 0;
    }
    return now - start;
  }

  end(key: string): void {
    this.since.delete(key);
  }

  /** Forgets every key not seen in the last poll (pods that are gone). */
  keepOnly(keys: ReadonlySet<string>): void {
    for (const key of this.since.keys()) if (!keys.has(key)) this.since.delete(key);
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function containerProblem(
  pod: Pod,
  status: ContainerStatus,
  thresholds: FailureThresholds,
  timers: StateTimers,
  now: number,
  seen: Set<string>,
): PodProblem | undefined {
  const name = pod.metadata.name ?? '?';
  const restarts = status.restartCount ?? 0;
  const last = status.lastState?.terminated;
  const terminated = status.state?.terminated;
  // The runtime could not start the program: every restart will fail the same way.
  if (terminated?.reason && START_FAILURES.has(terminated.reason)) {
    const message = terminated.message ?? `exit code ${terminated.exitCode ?? '?'}`;
    return {
      pod: name,
      container: status.name,
      reason: terminated.reason,
      message,
      restarted: false,
      kind: 'container-start',
    };
  }
  const waiting = status.state?.waiting;
  if (!waiting?.reason) return undefined;
  const base = { pod: name, container: status.name, reason: waiting.reason, restarted: restarts > 0 };
  const message = waiting.message ?? waiting.reason;
  const hopeless = HOPELESS_WAITING[waiting.reason];
  if (hopeless) return { ...base, kind: hopeless, message };

  const pullKey = timerKey(pod, `pull/${status.name}`);
  if (PULLING.has(waiting.reason)) {
    seen.add(pullKey);
    const lasted = timers.lasted(pullKey, now);
    if (PERMANENT_PULL.test(message) || lasted >= thresholds.imagePullGraceMs) {
      const after = lasted > 0 ? ` (failing for ${Math.round(lasted / 1000)} s)` : '';
      return { ...base, kind: 'image-pull', message: `${message}${after}` };
    }
    return undefined;
  }
  timers.end(pullKey);

  if (waiting.reason !== 'CrashLoopBackOff') return undefined;
  const exit = last ? `; last exit code ${last.exitCode ?? '?'} (${last.reason ?? 'terminated'})` : '';
  // Backing off after a start failure: the program never ran, so waiting for more restarts tells nothing.
  if (last?.reason && START_FAILURES.has(last.reason)) {
    return {
      ...base,
      reason: last.reason,
      kind: 'container-start',
      message: last.message ?? `exit code ${last.exitCode ?? '?'}`,
    };
  }
  if (restarts < thresholds.crashLoopRestarts) return undefined;
  return {
    ...base,
    kind: 'crash-loop',
    message: `restarted ${plural(restarts, 'time')}${exit}: ${waiting.message ?? ''}`.trim(),
  };
}

/** The kubelet does not probe before `initialDelaySeconds`: that wait is not the probe failing. */
function probeDelayMs(pod: Pod): number {
  const delays = (pod.spec?.containers ?? []).map((c) => c.readinessProbe?.initialDelaySeconds ?? 0);
  return Math.max(0, ...delays) * 1000;
}

export function timerKey(pod: Pod, state: string): string {
  return `${pod.metadata.uid ?? pod.metadata.name}/${state}`;
}

/**
 * The problems of one pod of the new ReplicaSet that fail the rollout now. `timers` carries the durations
 * of lasting states from poll to poll; `seen` collects the timer keys still live for `keepOnly`.
 */
export function podProblems(
  pod: Pod,
  thresholds: FailureThresholds,
  timers: StateTimers,
  now: number,
  seen: Set<string>,
): PodProblem[] {
  const name = pod.metadata.name ?? '?';
  const status = pod.status ?? {};
  const problems: PodProblem[] = [];
  for (const container of [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])]) {
    const problem = containerProblem(pod, container, thresholds, timers, now, seen);
    if (problem) problems.push(problem);
  }

  const scheduled = conditionOf(status.conditions, 'PodScheduled');
  const unschedulableKey = timerKey(pod, 'unschedulable');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    seen.add(unschedulableKey);
    const lasted = timers.lasted(unschedulableKey, now);
    if (lasted >= thresholds.unschedulableMs) {
      problems.push({
        kind: 'unschedulable',
        pod: name,
        reason: 'Unschedulable',
        message: `unschedulable for ${Math.round(lasted / 1000)} s: ${scheduled.message ?? ''}`.trim(),
        restarted: false,
      });
    }
  } else {
    timers.end(unschedulableKey);
  }

  // Not ready while every container runs: only the readiness probe is left to pass.
  const containers = status.containerStatuses ?? [];
  const allRunning = containers.length > 0 && containers.every((c) => c.state?.running !== undefined);
  const ready = conditionOf(status.conditions, 'Ready')?.status === 'True';
  const unreadyKey = timerKey(pod, 'unready');
  if (status.phase === 'Running' && allRunning && !ready) {
    seen.add(unreadyKey);
    const lasted = timers.lasted(unreadyKey, now);
    if (lasted >= thresholds.readinessMs + probeDelayMs(pod)) {
      const notReady = containers.filter((c) => !c.ready);
      problems.push({
        kind: 'readiness',
        pod: name,
        container: notReady[0]?.name,
        reason: 'NotReady',
        message: `running but not ready for ${Math.round(lasted / 1000)} s (${notReady.map((c) => c.name).join(', ')})`,
        restarted: false,
      });
    }
  } else {
    timers.end(unreadyKey);
  }
  return problems;
}
