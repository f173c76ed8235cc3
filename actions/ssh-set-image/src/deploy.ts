import { type Clock, systemClock } from '../../lib/src/clock.js';
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
  getReplicaSets,
  type Kubectl,
  type ReplicaSet,
  revisionOf,
  setImage,
  specObserved,
  templateHashOf,
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
  /** The pod-template-hash of the revision's ReplicaSet: rollout-wait judges that revision only. */
  podTemplateHash: string;
  bootstrapped: boolean;
  /** False when every container already ran the image: nothing was changed. */
  changed: boolean;
}

function describeImages(images: Record<string, string>, containers: readonly string[]): string {
  if (containers.length === 1) return images[containers[0] as string] ?? '';
  return containers.map((name) => `${name}=${images[name] ?? ''}`).join('\n');
}

interface Revision {
  revision: number;
  podTemplateHash: string;
}

function revisionOfSet(rs: ReplicaSet): Revision {
  return { revision: revisionOf(rs) ?? 0, podTemplateHash: templateHashOf(rs) ?? '' };
}

function runsImages(rs: ReplicaSet, images: Readonly<Record<string, string>>): boolean {
  const running = Object.fromEntries(rs.spec.template.spec.containers.map((c) => [c.name, c.image]));
  return Object.entries(images).every(([name, image]) => running[name] === image);
}

/**
 * Waits until the controller has seen the latest spec and made (or reused) a ReplicaSet for the images
 * just set, numbered above `after`. Found by its template rather than the Deployment's revision: when
 * another deploy changed the image meanwhile, the revision reported is still this deploy's own.
 */
async function waitForRevision(
  kubectl: Kubectl,
  plan: DeployPlan,
  after: number,
  clock: Clock,
  images?: Readonly<Record<string, string>>,
): Promise<Revision> {
  const deadline = clock.now() + plan.revisionTimeoutMs;
  for (;;) {
    const current = await getDeployment(kubectl, plan.namespace, plan.deployment);
    if (current && specObserved(current)) {
      const ours = (await getReplicaSets(kubectl, withNamespace(current, plan.namespace)))
        .map((rs) => ({ rs, ...revisionOfSet(rs) }))
        .filter(({ rs, revision }) => revision > after && (images === undefined || runsImages(rs, images)))
        .sort((a, b) => b.revision - a.revision)[0];
      if (ours) return { revision: ours.revision, podTemplateHash: ours.podTemplateHash };
    }
    if (clock.now() > deadline) {
      throw new Error(
        `the Deployment ${plan.namespace}/${plan.deployment} got no new revision within ${plan.revisionTimeoutMs} ms ` +
          '(is the controller manager running?)',
      );
    }
    await clock.sleep(plan.pollMs ?? 500);
  }
}

function withNamespace(deployment: Deployment, namespace: string): Deployment {
  return { ...deployment, metadata: { ...deployment.metadata, namespace } };
}

/** The running revision's template hash, when nothing is changed: rollout-wait then judges that revision. */
async function currentTemplateHash(
  kubectl: Kubectl,
  deployment: Deployment,
  namespace: string,
): Promise<string> {
  const revision = deploymentRevision(deployment);
  const sets = await getReplicaSets(kubectl, withNamespace(deployment, namespace));
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

export async function deployImage(
  kubectl: Kubectl,
  plan: DeployPlan,
  clock: Clock = systemClock,
): Promise<DeployResult> {
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
    const { revision, podTemplateHash } = await waitForRevision(kubectl, plan, 0, clock);
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
      podTemplateHash: await currentTemplateHash(kubectl, current, plan.namespace),
      bootstrapped: false,
      changed: false,
    };
  }
  await setImage(kubectl, plan.namespace, plan.deployment, plan.images);
  await annotateChangeCause(kubectl, plan.namespace, plan.deployment, plan.changeCause);
  const { revision, podTemplateHash } = await waitForRevision(
    kubectl,
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
