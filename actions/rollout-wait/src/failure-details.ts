import type { KubeEvent } from '../../lib/src/kubectl/index.js';
import type { RolloutFailure } from './assess.js';
import type { RolloutCluster } from './cluster.js';
import type { PodProblem } from './pod-problems.js';

export interface PodDetails {
  problem: PodProblem;
  events: KubeEvent[];
  /** The container's last lines, or why there are none. */
  logs: { text: string } | { missing: string };
}

/** A few pods tell the story; more would only make the summary long and the failure slower to report. */
export const MAX_PODS_DETAILED = 3;

// A container that never started (bad image, bad config, unschedulable pod) has no logs to show.
const NEVER_STARTED = new Set(['image-pull', 'invalid-image', 'container-config', 'unschedulable']);

/**
 * Events and last log lines of the failing pods, read once the watch has failed. A read that fails is
 * reported in place of its content: the rollback must not wait on diagnostics.
 */
export async function collectFailureDetails(
  cluster: RolloutCluster,
  namespace: string,
  failure: RolloutFailure,
  logLines: number,
): Promise<PodDetails[]> {
  const problems: PodProblem[] = [];
  const pods = new Set<string>();
  for (const problem of failure.problems) {
    if (pods.has(problem.pod) || pods.size >= MAX_PODS_DETAILED) continue;
    pods.add(problem.pod);
    problems.push(problem);
  }
  return Promise.all(
    problems.map(async (problem): Promise<PodDetails> => {
      const events = await cluster.podEvents(namespace, problem.pod).catch(() => []);
      let logs: PodDetails['logs'];
      // A program the runtime could not start never printed anything, however often it was retried.
      if (problem.kind === 'container-start' || (NEVER_STARTED.has(problem.kind) && !problem.restarted)) {
        logs = { missing: `the container never started (${problem.reason})` };
      } else if (!problem.container) {
        logs = { missing: 'no container named' };
      } else {
        logs = await cluster
          .containerLogs(namespace, problem.pod, problem.container, {
            tailLines: logLines,
            previous: problem.restarted,
          })
          .then((text) => ({ text }))
          .catch((error: Error) => ({ missing: `could not read them: ${error.message}` }));
      }
      return { problem, events, logs };
    }),
  );
}
