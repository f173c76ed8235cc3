/*
 * Canary: the new version as `<name>-canary` behind the same Service, its share of traffic set by its
 * share of the ready pods (the Service spreads requests over them), stepped up while its own figures pass.
 * The stable Deployment keeps all its replicas throughout, so an abort only takes the canary away.
 */
import { info } from '../../../lib/src/index.js';
import { ClusterError } from '../../../lib/src/kubectl/cluster-error.js';
import type { Deployment } from '../../../lib/src/kubectl/index.js';
import { observeVariant } from './observe-step.js';
import type { ProgressiveDeploy, ProgressiveResult, StepReport } from './plan.js';
import { promoteStable, requireComplete, retireVariants, scaleToZero } from './stable.js';
import { scale, variantManifest, variantName, waitForComplete } from './variant.js';

/** Canary replicas for a share of traffic `weight` (0..1) next to `stable` replicas: at least one. */
export function canaryReplicas(stable: number, weight: number): number {
  return Math.max(1, Math.ceil((stable * weight) / (1 - weight)));
}

export async function runCanary(
  deploy: ProgressiveDeploy,
  stable: Deployment,
  weights: readonly number[],
): Promise<ProgressiveResult> {
  const { target, clock, namespace } = deploy;
  await requireComplete(deploy, stable);
  const stableReplicas = stable.spec.replicas ?? 1;
  const canary = variantName(deploy.deployment, 'canary');
  await target.apply(JSON.stringify(variantManifest(stable, 'canary', deploy.images, 0)));
  const steps: StepReport[] = [];

  const abort = async (reasons: string[]): Promise<ProgressiveResult> => {
    const decided = clock.now();
    info(`Aborting the canary: ${reasons.join('; ')}`);
    await scaleToZero(deploy, canary);
    const rollbackSeconds = (clock.now() - decided) / 1000;
    await waitForComplete(target, clock, namespace, deploy.deployment, deploy.readyTimeoutMs);
    info(
      `Traffic is back on the stable version only (${rollbackSeconds.toFixed(1)} s); ${canary} stays at 0 replicas`,
    );
    return { strategy: 'canary', outcome: 'aborted', steps, reasons, rollbackSeconds };
  };

  for (const weight of weights) {
    const replicas = canaryReplicas(stableReplicas, weight);
    const share = replicas / (replicas + stableReplicas);
    const label = `canary ${Math.round(weight * 100)} %`;
    info(
      `${label}: ${replicas} canary pods beside ${stableReplicas} stable (${Math.round(share * 100)} % of pods)`,
    );
    try {
      await scale(target, namespace, canary, replicas);
      await waitForComplete(target, clock, namespace, canary, deploy.readyTimeoutMs);
    } catch (error) {
      if (!(error instanceof ClusterError) || error.kind !== 'permanent') throw error;
      return abort([`the canary's pods: ${error.message}`]);
    }
    const outcome = await observeVariant(deploy, canary, label);
    steps.push({ label, weight: share, ...outcome });
    if (outcome.verdict.outcome !== 'pass') return abort(outcome.verdict.reasons);
  }

  await promoteStable(deploy);
  await retireVariants(deploy, canary);
  return { strategy: 'canary', outcome: 'promoted', steps, reasons: [] };
}
