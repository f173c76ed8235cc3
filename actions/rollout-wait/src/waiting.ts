import { conditionOf, type Pod } from '../../lib/src/kubectl/index.js';
import { type StateTimers, timerKey } from './pod-problems.js';

/** The new pod the rollout waits for, and why, in words a developer can act on. */
export interface WaitingFor {
  pod: string;
  /** E.g. "not ready for 40 s: readiness probe failing", "waiting for container web: ContainerCreating". */
  what: string;
  /** Running but not ready: the pod's last Unhealthy event says why the probe fails. */
  probeFailing: boolean;
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? '' : ` for ${Math.round(ms / 1000)} s`;
}

function isReady(pod: Pod): boolean {
  return conditionOf(pod.status?.conditions, 'Ready')?.status === 'True';
}

function describePod(pod: Pod, timers: StateTimers, now: number): WaitingFor {
  const name = pod.metadata.name ?? '?';
  const status = pod.status ?? {};
  const scheduled = conditionOf(status.conditions, 'PodScheduled');
  if (scheduled?.status === 'False') {
    const lasted = timers.peek(timerKey(pod, 'unschedulable'), now);
    const why = scheduled.message ? ` (${scheduled.message})` : '';
    return { pod: name, what: `not scheduled${seconds(lasted)}${why}`, probeFailing: false };
  }
  for (const container of [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])]) {
    const waiting = container.state?.waiting;
    if (waiting?.reason) {
      const why = waiting.message ? ` (${waiting.message})` : '';
      return {
        pod: name,
        what: `waiting for container ${container.name}: ${waiting.reason}${why}`,
        probeFailing: false,
      };
    }
  }
  const containers = status.containerStatuses ?? [];
  if (status.phase === 'Running' && containers.length > 0 && containers.every((c) => c.state?.running)) {
    const lasted = timers.peek(timerKey(pod, 'unready'), now);
    return { pod: name, what: `not ready${seconds(lasted)}: readiness probe failing`, probeFailing: true };
  }
  return {
    pod: name,
    what: status.phase ? `in phase ${status.phase}` : 'created, no status yet',
    probeFailing: false,
  };
}

/** The first new pod that is not ready yet, described; undefined when every new pod is ready. */
export function waitingFor(
  newPods: readonly Pod[],
  timers: StateTimers,
  now: number,
): WaitingFor | undefined {
  const pending = newPods
    .filter((pod) => !isReady(pod) && !pod.metadata.deletionTimestamp)
    .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  const [first] = pending;
  return first ? describePod(first, timers, now) : undefined;
}
