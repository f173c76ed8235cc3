import type { Clock } from '../../src/clock.js';

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
