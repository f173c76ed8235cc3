/*
 * The deploy itself, on any Kubectl (over SSH in the action, a fake in unit tests): record what runs, set
 * the image, say why, and report the revision the Deployment controller gave the change.
 */
import { ConfigurationError, info } from '../../lib/src/index.js';
import {
  annotateChangeCause,
  applyManifests,
  type Deployment,
  deploymentImages,
  deploymentRevision,
  getDeployment,
  type Kubectl,
  setImage,
} from '../../lib/src/kubectl/index.js';

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
  bootstrapped: boolean;
  /** False when every container already ran the image: nothing was changed. */
  changed: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function describeImages(images: Record<string, string>, containers: readonly string[]): string {
  if (containers.length === 1) return images[containers[0] as string] ?? '';
  return containers.map((name) => `${name}=${images[name] ?? ''}`).join('\n');
}

/** Waits until the controller has seen the Deployment's latest spec and numbered it above `after`. */
async function waitForRevision(kubectl: Kubectl, plan: DeployPlan, after: number): Promise<number> {
  const deadline = Date.now() + plan.revisionTimeoutMs;
  for (;;) {
    const current = await getDeployment(kubectl, plan.namespace, plan.deployment);
    const revision = current ? deploymentRevision(current) : 0;
    const observed = (current?.status?.observedGeneration ?? 0) >= (current?.metadata.generation ?? 1);
    if (revision > after && observed) return revision;
    if (Date.now() > deadline) {
      throw new Error(
        `the Deployment ${plan.namespace}/${plan.deployment} got no new revision within ${plan.revisionTimeoutMs} ms ` +
          '(is the controller manager running?)',
      );
    }
    await sleep(plan.pollMs ?? 500);
  }
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

export async function deployImage(kubectl: Kubectl, plan: DeployPlan): Promise<DeployResult> {
  const containers = Object.keys(plan.images);
  const current = await getDeployment(kubectl, plan.namespace, plan.deployment);
  if (!current) {
    if (!plan.bootstrap) {
      throw new ConfigurationError(
        `The Deployment ${plan.namespace}/${plan.deployment} does not exist. Set the input 'overlay' ` +
          '(e.g. k8s/overlays/dev) to create it from the kustomize overlay on a first deploy.',
      );
    }
    info(`Deployment ${plan.namespace}/${plan.deployment} does not exist: creating it from the overlay`);
    const lines = await applyManifests(kubectl, await plan.bootstrap());
    for (const line of lines) info(`  ${line}`);
    await annotateChangeCause(kubectl, plan.namespace, plan.deployment, plan.changeCause);
    const revision = await waitForRevision(kubectl, plan, 0);
    return { previousImage: '', previousRevision: 0, revision, bootstrapped: true, changed: true };
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
      bootstrapped: false,
      changed: false,
    };
  }
  await setImage(kubectl, plan.namespace, plan.deployment, plan.images);
  await annotateChangeCause(kubectl, plan.namespace, plan.deployment, plan.changeCause);
  const revision = await waitForRevision(kubectl, plan, previousRevision);
  info(`Set ${describeImages({ ...plan.images }, containers).replace(/\n/g, ', ')}: revision ${revision}`);
  return { previousImage, previousRevision, revision, bootstrapped: false, changed: true };
}
