import { isoNow, type KubeObject } from '../api/types.js';

// biome-ignore lint/suspicious/noExplicitAny: container states are open-ended JSON
type Any = any;

export interface ContainerRun {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  restartCount: number;
  state: Any;
  lastState: Any;
  ready: boolean;
  started: boolean;
  /** Ran at least once: the pod has left Pending. */
  everStarted: boolean;
  /** Current image pull back-off in ms (0 before the first failure). */
  pullBackoff?: number;
}

function conditionList(
  pod: KubeObject,
  wanted: { type: string; status: string; reason?: string; message?: string }[],
): Any[] {
  const previous: Any[] = pod.status?.conditions ?? [];
  return wanted.map((c) => {
    const old = previous.find((p) => p.type === c.type);
    return {
      type: c.type,
      status: c.status,
      lastProbeTime: null,
      lastTransitionTime: old && old.status === c.status ? old.lastTransitionTime : isoNow(),
      ...(c.reason ? { reason: c.reason } : {}),
      ...(c.message ? { message: c.message } : {}),
    };
  });
}

/** The pod status a kubelet reports for these container runs, shaped like ../shared/fixtures/kubernetes. */
export function podStatus(
  pod: KubeObject,
  runs: ContainerRun[],
  startTime: string,
  terminating: boolean,
): Any {
  const notReady = runs.filter((r) => !r.ready || terminating).map((r) => r.name);
  const ready = notReady.length === 0;
  const unready = {
    reason: 'ContainersNotReady',
    message: `containers with unready status: [${notReady.join(' ')}]`,
  };
  const restartPolicy = pod.spec?.restartPolicy ?? 'Always';
  const allDone = runs.every((r) => r.state.terminated);
  let phase = runs.some((r) => r.everStarted) ? 'Running' : 'Pending';
  if (allDone && restartPolicy !== 'Always') {
    const failed = runs.some((r) => r.state.terminated.exitCode !== 0);
    if (restartPolicy === 'Never' || !failed) phase = failed ? 'Failed' : 'Succeeded';
  }
  return {
    phase,
    conditions: conditionList(pod, [
      { type: 'PodReadyToStartContainers', status: 'True' },
      { type: 'Initialized', status: 'True' },
      { type: 'Ready', status: ready ? 'True' : 'False', ...(ready ? {} : unready) },
      { type: 'ContainersReady', status: ready ? 'True' : 'False', ...(ready ? {} : unready) },
      { type: 'PodScheduled', status: 'True' },
    ]),
    hostIP: '127.0.0.1',
    hostIPs: [{ ip: '127.0.0.1' }],
    podIP: '127.0.0.1',
    podIPs: [{ ip: '127.0.0.1' }],
    startTime,
    containerStatuses: runs.map((r) => ({
      name: r.name,
      state: r.state,
      lastState: r.lastState,
      ready: r.ready && !terminating,
      restartCount: r.restartCount,
      image: r.image,
      imageID: r.imageID,
      ...(r.containerID ? { containerID: r.containerID } : {}),
      started: r.started,
    })),
    qosClass: 'BestEffort',
  };
}
