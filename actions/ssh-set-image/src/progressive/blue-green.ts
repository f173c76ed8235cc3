/*
 * Blue/green: the new version as `<name>-green` at full size, ready before any traffic reaches it; then the
 * Service's selector switches from the stable pods to the green ones in one patch, and back in one patch if
 * green fails. The selector is pinned to a ReplicaSet's pod-template-hash for the switch, and given back
 * its own labels at the end.
 */
import { ConfigurationError, info, warning } from '../../../lib/src/index.js';
import { ClusterError } from '../../../lib/src/kubectl/cluster-error.js';
import {
  type Deployment,
  deploymentRevision,
  revisionOf,
  TEMPLATE_HASH_LABEL,
  templateHashOf,
} from '../../../lib/src/kubectl/index.js';
import type { JsonPatch } from '../../../lib/src/target/index.js';
import { observeVariant } from './observe-step.js';
import type { ProgressiveDeploy, ProgressiveResult, StepReport } from './plan.js';
import { promoteStable, requireComplete, retireVariants, scaleToZero } from './stable.js';
import { variantManifest, variantName, waitForComplete } from './variant.js';

const HASH_PATH = `/spec/selector/${TEMPLATE_HASH_LABEL}`;

async function currentHash(deploy: ProgressiveDeploy, deployment: Deployment): Promise<string> {
  const sets = await deploy.target.replicaSetsOf(deploy.namespace, deployment);
  const revision = deploymentRevision(deployment);
  const current =
    sets.find((set) => revisionOf(set) === revision) ?? (sets.length === 1 ? sets[0] : undefined);
  const hash = current && templateHashOf(current);
  if (!hash) throw new ClusterError(`${deployment.metadata.name} has no current ReplicaSet yet`, 'transient');
  return hash;
}

export async function runBlueGreen(
  deploy: ProgressiveDeploy,
  stable: Deployment,
  serviceName: string,
): Promise<ProgressiveResult> {
  const { target, clock, namespace } = deploy;
  const service = await target.service(namespace, serviceName);
  const selector = service?.spec.selector ?? {};
  if (!service || Object.keys(selector).length === 0) {
    throw new ConfigurationError(
      `blue-green switches the selector of the Service ${namespace}/${serviceName}, which ${service ? 'has no selector' : 'does not exist'}. Set the input service to the Service in front of ${deploy.deployment}.`,
    );
  }
  await requireComplete(deploy, stable);
  const blueHash = await currentHash(deploy, stable);
  const green = variantName(deploy.deployment, 'green');
  const point = (hash: string, op: 'add' | 'replace'): JsonPatch => [{ op, path: HASH_PATH, value: hash }];
  const unpin: JsonPatch = [{ op: 'remove', path: HASH_PATH }];
  const pinned = TEMPLATE_HASH_LABEL in selector;

  // Before green exists: from now on the Service sends traffic to the stable ReplicaSet's pods only.
  await target.patchService(namespace, serviceName, point(blueHash, pinned ? 'replace' : 'add'));
  const steps: StepReport[] = [];
  let switched = false;
  /** Until the Service is given back its own selector on promotion, an error points it at blue. */
  let restoreOnError = true;
  const backToBlue = async (reasons: string[]): Promise<ProgressiveResult> => {
    const decided = clock.now();
    info(`Aborting green: ${reasons.join('; ')}`);
    if (switched) await target.patchService(namespace, serviceName, point(blueHash, 'replace'));
    const rollbackSeconds = (clock.now() - decided) / 1000;
    info(`Traffic is back on ${deploy.deployment} (${rollbackSeconds.toFixed(1)} s)`);
    await scaleToZero(deploy, green);
    await target.patchService(namespace, serviceName, unpin);
    await waitForComplete(target, clock, namespace, deploy.deployment, deploy.readyTimeoutMs);
    return {
      strategy: 'blue-green',
      outcome: 'aborted',
      steps,
      reasons,
      ...(switched && { rollbackSeconds }),
    };
  };

  try {
    await target.apply(
      JSON.stringify(variantManifest(stable, 'green', deploy.images, stable.spec.replicas ?? 1)),
    );
    let greenHash: string;
    try {
      const ready = await waitForComplete(target, clock, namespace, green, deploy.readyTimeoutMs);
      greenHash = await currentHash(deploy, ready);
    } catch (error) {
      if (!(error instanceof ClusterError) || error.kind !== 'permanent') throw error;
      return await backToBlue([`green's pods: ${error.message}`]);
    }
    await target.patchService(namespace, serviceName, point(greenHash, 'replace'));
    switched = true;
    info(`Switched ${namespace}/${serviceName} to ${green} (pod-template-hash ${greenHash})`);
    const outcome = await observeVariant(deploy, green, 'green');
    steps.push({ label: 'green', weight: 1, ...outcome });
    if (outcome.verdict.outcome !== 'pass') return await backToBlue(outcome.verdict.reasons);

    // Green serves while the stable Deployment rolls to the same version out of the Service's sight.
    await promoteStable(deploy);
    await target.patchService(namespace, serviceName, unpin);
    restoreOnError = false;
    await retireVariants(deploy, green);
    return { strategy: 'blue-green', outcome: 'promoted', steps, reasons: [] };
  } catch (error) {
    if (!restoreOnError) throw error;
    // Whatever failed, the Service must not be left on green or pinned: blue still runs in full.
    warning(
      `blue-green stopped (${(error as Error).message}); pointing ${serviceName} back at ${deploy.deployment}`,
    );
    await target.patchService(namespace, serviceName, point(blueHash, 'replace')).catch(() => {});
    await target.patchService(namespace, serviceName, unpin).catch(() => {});
    throw error;
  }
}
