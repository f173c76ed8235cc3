import type { RolloutWaitSettings } from '../src/rollout-wait.js';

/** The settings the unit tests watch with: a minute to roll out, half a minute to roll back. */
export const testSettings: RolloutWaitSettings = {
  namespace: 'shop',
  deployment: 'guestbook-ui',
  timeoutMs: 60_000,
  rollbackTimeoutMs: 30_000,
  pollIntervalMs: 1_000,
  thresholds: { crashLoopRestarts: 2, unschedulableMs: 60_000, readinessMs: 60_000, imagePullGraceMs: 0 },
  rollbackOnFailure: true,
  logLines: 20,
};
