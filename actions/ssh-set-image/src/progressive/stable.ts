import { ConfigurationError, info } from '../../../lib/src/index.js';
import type { Deployment } from '../../../lib/src/kubectl/index.js';
import type { ProgressiveDeploy } from './plan.js';
import { isComplete, scale, variantName, waitForComplete, waitForNoPods } from './variant.js';

/** A progressive deploy compares against a stable version that serves in full; a half-done rollout is not one. */
export async function requireComplete(deploy: ProgressiveDeploy, stable: Deployment): Promise<void> {
  if (isComplete(stable)) return;
  info(
    `Waiting for ${deploy.namespace}/${deploy.deployment} to be fully available before the new version starts`,
  );
  try {
    await waitForComplete(
      deploy.target,
      deploy.clock,
      deploy.namespace,
      deploy.deployment,
      deploy.readyTimeoutMs,
    );
  } catch (error) {
    throw new ConfigurationError(
      `${deploy.namespace}/${deploy.deployment} is not fully available (${(error as Error).message}): a canary or ` +
        'blue/green deploy needs a healthy stable version to fall back on. Fix or roll it back first.',
    );
  }
}

/**
 * The stable Deployment takes the new images as one new revision (so `kubectl rollout undo` goes back to
 * the version before), and every replica of it becomes available.
 */
export async function promoteStable(deploy: ProgressiveDeploy): Promise<Deployment> {
  const { target, namespace, deployment } = deploy;
  info(`Promoting: ${namespace}/${deployment} takes the new version`);
  await target.setImage(namespace, deployment, deploy.images);
  await target.annotateChangeCause(namespace, deployment, deploy.changeCause);
  return waitForComplete(target, deploy.clock, namespace, deployment, deploy.readyTimeoutMs);
}

/** Takes the variant's pods away (they drain as in any scale-down) and waits until none is left. */
export async function scaleToZero(deploy: ProgressiveDeploy, variant: string): Promise<void> {
  await scale(deploy.target, deploy.namespace, variant, 0);
  await waitForNoPods(deploy.target, deploy.clock, deploy.namespace, variant, deploy.readyTimeoutMs);
}

/**
 * After a promotion no variant has a purpose: the one just used is drained and deleted, and so is any an
 * earlier abort left at zero replicas.
 */
export async function retireVariants(deploy: ProgressiveDeploy, used: string): Promise<void> {
  await scaleToZero(deploy, used);
  for (const track of ['canary', 'green'] as const) {
    await deploy.target.deleteDeployment(deploy.namespace, variantName(deploy.deployment, track), 60);
  }
  info(
    `Promoted: ${deploy.deployment} runs the new version; ${used} and any variant left by an earlier abort are deleted`,
  );
}
