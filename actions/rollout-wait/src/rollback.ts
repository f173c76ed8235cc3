import type { RolloutCluster } from './cluster.js';
import { type Clock, type WatchLog, type WatchOptions, type WatchResult, watchRollout } from './watcher.js';

export type RollbackResult =
  | { ok: true; revision?: number; availableAfterMs: number }
  | { ok: false; reason: string; revision?: number };

/**
 * `rollout undo` to the recorded revision, then the same watch as the rollout until the Deployment is
 * available again. The undo is sent once: it is not idempotent (a second one would undo the undo).
 */
export async function rollBack(
  cluster: RolloutCluster,
  toRevision: number,
  options: WatchOptions,
  clock: Clock,
  log: WatchLog,
): Promise<RollbackResult> {
  const start = clock.now();
  try {
    await cluster.undo(options.namespace, options.deployment, toRevision);
  } catch (error) {
    return {
      ok: false,
      reason: `rollout undo to revision ${toRevision} failed: ${(error as Error).message}`,
    };
  }
  log.info(
    `Rolled back deployment/${options.deployment} to revision ${toRevision}; waiting until it is available.`,
  );
  let result: WatchResult;
  try {
    result = await watchRollout(cluster, { ...options, afterUndo: true }, clock, log);
  } catch (error) {
    return { ok: false, reason: `watching the rollback failed: ${(error as Error).message}` };
  }
  if (result.outcome === 'complete') {
    return { ok: true, revision: result.revision, availableAfterMs: clock.now() - start };
  }
  return {
    ok: false,
    reason: `the rollback did not become available: ${result.failure.reason}`,
    revision: result.revision,
  };
}
