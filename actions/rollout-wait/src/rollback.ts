import type { Clock } from '../../lib/src/clock.js';
import {
  CHANGE_CAUSE_ANNOTATION,
  type Deployment,
  type PodTemplateSpec,
  type ReplicaSet,
  revisionOf,
  TEMPLATE_HASH_LABEL,
  templateHashOf,
} from '../../lib/src/kubectl/index.js';
import type { JsonPatch } from '../../lib/src/target/index.js';
import type { RolloutCluster } from './cluster.js';
import { type WatchLog, type WatchOptions, type WatchResult, watchRollout } from './watcher.js';

export type RollbackResult =
  | { ok: true; revision?: number; availableAfterMs: number }
  | { ok: false; reason: string; revision?: number; superseded?: boolean };

/** JSON Pointer escaping of one key (RFC 6901). */
function pointerKey(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The ReplicaSet's pod template as the Deployment's: without the hash label the controller adds. */
function deploymentTemplate(replicaSet: ReplicaSet): PodTemplateSpec {
  const template = structuredClone(replicaSet.spec.template);
  if (template.metadata?.labels) delete template.metadata.labels[TEMPLATE_HASH_LABEL];
  return template;
}

/**
 * What `kubectl rollout undo` changes (the pod template and the change-cause), as a JSON patch that
 * applies only while the Deployment's spec is the one the rollout judged: its first operation tests
 * metadata.generation, so a deploy that came in between is never undone.
 */
export function undoPatch(deployment: Deployment, target: ReplicaSet): JsonPatch {
  const patch: JsonPatch = [
    { op: 'test', path: '/metadata/generation', value: deployment.metadata.generation ?? 0 },
    { op: 'replace', path: '/spec/template', value: deploymentTemplate(target) },
  ];
  const cause = target.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION];
  if (cause !== undefined && deployment.metadata.annotations) {
    patch.push({
      op: 'add',
      path: `/metadata/annotations/${pointerKey(CHANGE_CAUSE_ANNOTATION)}`,
      value: cause,
    });
  }
  return patch;
}

/**
 * Puts the target revision's template back, then watches, as for the rollout, until the Deployment is
 * available again. The undo is sent once: it is not idempotent (a second one would undo the undo).
 */
export async function rollBack(
  cluster: RolloutCluster,
  judged: Deployment,
  target: ReplicaSet,
  options: WatchOptions,
  clock: Clock,
  log: WatchLog,
): Promise<RollbackResult> {
  const start = clock.now();
  const toRevision = revisionOf(target);
  try {
    await cluster.patchDeployment(options.namespace, options.deployment, undoPatch(judged, target));
  } catch (error) {
    const now = await cluster.snapshot(options.namespace, options.deployment).catch(() => undefined);
    if (now && (now.deployment.metadata.generation ?? 0) !== (judged.metadata.generation ?? 0)) {
      return {
        ok: false,
        superseded: true,
        reason: `not rolled back: the Deployment changed since the failure was seen (generation ${judged.metadata.generation} → ${now.deployment.metadata.generation}); another deploy owns it now`,
        revision: revisionOf(now.deployment),
      };
    }
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
    const hash = templateHashOf(target);
    const identity = hash === undefined ? undefined : { podTemplateHash: hash };
    // The undo's own time counts against the rollback's deadline.
    const timeoutMs = Math.max(0, options.timeoutMs - (clock.now() - start));
    result = await watchRollout(cluster, { ...options, timeoutMs, afterUndo: true, identity }, clock, log);
  } catch (error) {
    return { ok: false, reason: `watching the rollback failed: ${(error as Error).message}` };
  }
  if (result.outcome === 'complete') {
    return { ok: true, revision: result.revision, availableAfterMs: clock.now() - start };
  }
  if (result.outcome === 'superseded') {
    return {
      ok: false,
      superseded: true,
      reason: `the rollback was superseded: ${result.reason}`,
      revision: result.revision,
    };
  }
  return {
    ok: false,
    reason: `the rollback did not become available: ${result.failure.reason}`,
    revision: result.revision,
  };
}
