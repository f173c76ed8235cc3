import type { KubeEvent } from '../../lib/src/kubectl/index.js';
import type { RolloutSnapshot } from '../src/assess.js';
import type { RolloutCluster } from '../src/cluster.js';
import type { Clock } from '../src/watcher.js';

/** A clock for unit tests: sleeping moves time forward at once. */
export class FakeClock implements Clock {
  constructor(public time = 0) {}
  now(): number {
    return this.time;
  }
  async sleep(ms: number): Promise<void> {
    this.time += ms;
  }
}

/** What one poll answers: a snapshot, or an error to throw. */
export type Answer = RolloutSnapshot | Error;

/**
 * A RolloutCluster for unit tests. Polls answer from `before` until an undo, then from `after`; each list
 * repeats its last answer. Every call costs `latencyMs` on the fake clock.
 */
export class FakeCluster implements RolloutCluster {
  readonly undos: number[] = [];
  polls = 0;
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
    return structuredClone(answer);
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

  async undo(_namespace: string, _deployment: string, revision: number): Promise<void> {
    this.clock.time += this.latencyMs;
    if (this.undoError) throw this.undoError;
    this.undos.push(revision);
    this.before = this.after;
    this.index = 0;
  }
}
