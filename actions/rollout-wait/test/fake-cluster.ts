import { isDeepStrictEqual } from 'node:util';
import {
  ClusterError,
  type KubeEvent,
  revisionOf,
  TEMPLATE_HASH_LABEL,
} from '../../lib/src/kubectl/index.js';
import type { JsonPatch, RolloutSnapshot } from '../../lib/src/target/index.js';
import { FakeClock } from '../../lib/test/fakes/clock.js';
import type { RolloutCluster } from '../src/cluster.js';

export { FakeClock };

/** What one poll answers: a snapshot, or an error to throw. */
export type Answer = RolloutSnapshot | Error;

/**
 * A RolloutCluster for unit tests. Polls answer from `before` until an undo, then from `after`; each list
 * repeats its last answer. Every call costs `latencyMs` on the fake clock.
 */
export class FakeCluster implements RolloutCluster {
  /** The revisions undone to, read from each undo patch's template. */
  readonly undos: number[] = [];
  readonly patches: JsonPatch[] = [];
  polls = 0;
  private last?: RolloutSnapshot;
  private index = 0;
  events: Record<string, KubeEvent[]> = {};
  logs: Record<string, string | Error> = {};
  logCalls: { pod: string; container: string; previous: boolean; tailLines: number }[] = [];
  undoError?: Error;

  constructor(
    private readonly clock: FakeClock,
    private before: Answer[],
    private readonly after: Answer[] = [],
    private readonly latencyMs = 100,
  ) {}

  async snapshot(): Promise<RolloutSnapshot> {
    this.clock.time += this.latencyMs;
    this.polls++;
    const list = this.before;
    const answer = list[Math.min(this.index++, list.length - 1)];
    if (answer === undefined) throw new Error('FakeCluster: no answers scripted');
    if (answer instanceof Error) throw answer;
    this.last = structuredClone(answer);
    return structuredClone(answer);
  }

  /** Deadlines are the watcher's to keep on the fake clock: the same cluster. */
  until(): RolloutCluster {
    return this;
  }

  /** Makes the next poll (and those after it) answer `snapshot`, as if the cluster changed under us. */
  answerNext(snapshot: RolloutSnapshot): void {
    this.before = [snapshot];
    this.index = 0;
  }

  async podEvents(_namespace: string, pod: string): Promise<KubeEvent[]> {
    return this.events[pod] ?? [];
  }

  async containerLogs(
    _namespace: string,
    pod: string,
    container: string,
    options: { tailLines: number; previous: boolean },
  ): Promise<string> {
    this.logCalls.push({ pod, container, ...options });
    const logs = this.logs[`${pod}/${container}`];
    if (logs instanceof Error) throw logs;
    return logs ?? '';
  }

  /** Applies an undo patch as the API server would: refused when its generation test fails. */
  async patchDeployment(_namespace: string, _deployment: string, patch: JsonPatch): Promise<void> {
    this.clock.time += this.latencyMs;
    if (this.undoError) throw this.undoError;
    this.patches.push(patch);
    // The server tests against what it holds now: the answer the next poll would read.
    const next = this.before[Math.min(this.index, this.before.length - 1)];
    const now = next instanceof Error || next === undefined ? this.last : next;
    const test = patch.find((op) => op.op === 'test' && op.path === '/metadata/generation');
    if (test && test.value !== now?.deployment.metadata.generation) {
      throw new ClusterError(
        'Error from server (Invalid): the server rejected our request: test failed',
        'permanent',
      );
    }
    const template = patch.find((op) => op.path === '/spec/template')?.value;
    const target = this.last?.replicaSets.find((rs) => {
      const labels = { ...rs.spec.template.metadata?.labels };
      delete labels[TEMPLATE_HASH_LABEL];
      return isDeepStrictEqual(
        { ...rs.spec.template, metadata: { ...rs.spec.template.metadata, labels } },
        template,
      );
    });
    this.undos.push(target ? (revisionOf(target) ?? -1) : -1);
    this.before = this.after;
    this.index = 0;
  }
}
