/** Time as the actions read it and wait on it: one seam, so a test can run a watch of minutes in no time. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The real clock, for `defaultDeps()`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
