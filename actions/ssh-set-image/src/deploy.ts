/*
 * The deploy itself, on any DeployTarget (over SSH in the action, on a fake kubectl in unit tests): record
 * what runs, set the image, say why, and report the revision the Deployment controller gave the change.
 */
import { type Clock, systemClock } from '../../lib/src/clock.js';
import { ConfigurationError, info } from '../../lib/src/index.js';
import {
  type Deployment,
  deploymentImages,
  deploymentRevision,
  revisionOf,
} from '../../lib/src/kubectl/index.js';
import { type DeployTarget, revisionOfSet, waitForObservedRevision } from '../../lib/src/target/index.js';

export interface DeployPlan {
  namespace: string;
  deployment: string;
  images: Readonly<Record<string, string>>;
  changeCause: string;
  /** Renders the manifests for a first deploy; absent when no overlay was given. */
  bootstrap?: () => Promise<string>;
  revisionTimeoutMs: number;
  pollMs?: number;
}

export interface DeployResult {
  /** The image before (one container), or `container=image` lines (several); '' on a first deploy. */
  previousImage: string;
  /** The revision before; 0 on a first deploy. */
  previousRevision: number;
  revision: number;
  /** The pod-template-hash of the revision's ReplicaSet: rollout-wait judges that revision only. */
  podTemplateHash: string;
  bootstrapped: boolean;
  /** False when every container already ran the image: nothing was changed. */
  changed: boolean;
}

export function describeImages(images: Record<string, string>, containers: readonly string[]): string {
  if (containers.length === 1) return images[containers[0] as string] ?? '';
  return containers.map((name) => `${name}=${images[name] ?? ''}`).join('\n');
}

/** The running revision's template hash, when nothing is changed: rollout-wait then judges that revision. */
async function currentTemplateHash(
  target: DeployTarget,
  deployment: Deployment,
  namespace: string,
): Promise<string> {
  const revision = deploymentRevision(deployment);
  const sets = await target.replicaSetsOf(namespace, deployment);
  const current = sets.find((rs) => revisionOf(rs) === revision);
  return current ? revisionOfSet(current).podTemplateHash : '';
}

function checkContainers(deployment: Deployment, plan: DeployPlan): void {
  const present = deployment.spec.template.spec.containers.map((container) => container.name);
  const missing = Object.keys(plan.images).filter((name) => !present.includes(name));
  if (missing.length > 0) {
    throw new ConfigurationError(
      `Invalid input 'containers': the Deployment ${plan.namespace}/${plan.deployment} has no container ` +
        `${missing.map((name) => `'${name}'`).join(', ')}. Expected some of: ${present.join(', ')}.`,
    );
  }
}

/** Waits for the controller to number the change: see waitForObservedRevision. */
function waitForRevision(
  target: DeployTarget,
  plan: DeployPlan,
  after: number,
  clock: Clock,
  images?: Readonly<Record<string, string>>,
) {
  return waitForObservedRevision(
    target,
    {
      namespace: plan.namespace,
      deployment: plan.deployment,
      after,
      ...(images && { images }),
      timeoutMs: plan.revisionTimeoutMs,
      ...(plan.pollMs !== undefined && { pollMs: plan.pollMs }),
    },
    clock,
  );
}

export async function deployImage(
  target: DeployTarget,
  plan: DeployPlan,
  clock: Clock = systemClock,
): Promise<DeployResult> {
  const containers = Object.keys(plan.images);
  const current = await target.deployment(plan.namespace, plan.deployment);
  if (!current) {
    if (!plan.bootstrap) {
      throw new ConfigurationError(
        `The Deployment ${plan.namespace}/${plan.deployment} does not exist. Set the input 'overlay' ` +
          '(e.g. k8s/overlays/dev) to create it from the kustomize overlay on a first deploy.',
      );
    }
    info(`Deployment ${plan.namespace}/${plan.deployment} does not exist: creating it from the overlay`);
    const lines = await target.apply(await plan.bootstrap());
    for (const line of lines) info(`  ${line}`);
    await target.annotateChangeCause(plan.namespace, plan.deployment, plan.changeCause);
    const { revision, podTemplateHash } = await waitForRevision(target, plan, 0, clock);
    return {
      previousImage: '',
      previousRevision: 0,
      revision,
      podTemplateHash,
      bootstrapped: true,
      changed: true,
    };
  }

  checkContainers(current, plan);
  const before = deploymentImages(current);
  const previousRevision = deploymentRevision(current);
  const previousImage = describeImages(before, containers);
  info(`Now running: ${previousImage.replace(/\n/g, ', ')} (revision ${previousRevision})`);
  if (containers.every((name) => before[name] === plan.images[name])) {
    info('The Deployment already runs this image: nothing to change');
    return {
      previousImage,
      previousRevision,
      revision: previousRevision,
      podTemplateHash: await currentTemplateHash(target, current, plan.namespace),
      bootstrapped: false,
      changed: false,
    };
  }
  await target.setImage(plan.namespace, plan.deployment, plan.images);
  await target.annotateChangeCause(plan.namespace, plan.deployment, plan.changeCause);
  const { revision, podTemplateHash } = await waitForRevision(
    target,
    plan,
    previousRevision,
    clock,
    plan.images,
  );
  info(
    `Set ${describeImages({ ...plan.images }, containers).replace(/\n/g, ', ')}: revision ${revision} (pod-template-hash ${podTemplateHash})`,
  );
  return { previousImage, previousRevision, revision, podTemplateHash, bootstrapped: false, changed: true };
}
