/*
 * The new version as its own Deployment beside the stable one (`<name>-canary`, `<name>-green`): the
 * stable's spec with the new images, one more label in its selector and template so the two never claim
 * each other's pods, and the operations a strategy performs on it.
 */
import type { Clock } from '../../../lib/src/clock.js';
import { ClusterError } from '../../../lib/src/kubectl/cluster-error.js';
import { conditionOf, type Deployment, specObserved } from '../../../lib/src/kubectl/index.js';
import type { DeployTarget } from '../../../lib/src/target/index.js';

/** The label that tells the new version's pods from the stable's; the value is the variant. */
export const TRACK_LABEL = 'k8s-ship.io/track';
export type Track = 'canary' | 'green';

export function variantName(deployment: string, track: Track): string {
  return `${deployment}-${track}`;
}

/** The variant's manifest: the stable's spec (everything the overlay set), the new images, `replicas`. */
export function variantManifest(
  stable: Deployment,
  track: Track,
  images: Readonly<Record<string, string>>,
  replicas: number,
): Deployment {
  const { metadata, spec } = stable;
  const labels = { ...metadata.labels, [TRACK_LABEL]: track };
  const template = structuredClone(spec.template);
  template.metadata = {
    ...template.metadata,
    labels: { ...template.metadata?.labels, [TRACK_LABEL]: track },
  };
  for (const container of template.spec.containers) {
    const image = images[container.name];
    if (image !== undefined) container.image = image;
  }
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: variantName(metadata.name, track), namespace: metadata.namespace ?? '', labels },
    spec: {
      ...spec,
      replicas,
      // One revision is enough: the variant lives for one deploy.
      revisionHistoryLimit: 1,
      selector: {
        ...spec.selector,
        matchLabels: { ...spec.selector.matchLabels, [TRACK_LABEL]: track },
      },
      template,
    } as Deployment['spec'],
  };
}

export async function scale(
  target: DeployTarget,
  namespace: string,
  name: string,
  replicas: number,
): Promise<void> {
  await target.patchDeployment(namespace, name, [{ op: 'replace', path: '/spec/replicas', value: replicas }]);
}

/** Every replica of the current spec ready and available. */
export function isComplete(deployment: Deployment): boolean {
  const want = deployment.spec.replicas ?? 1;
  const status = deployment.status ?? {};
  return (
    specObserved(deployment) &&
    (status.updatedReplicas ?? 0) === want &&
    (status.availableReplicas ?? 0) === want &&
    (status.replicas ?? 0) === want
  );
}

/**
 * Asks `look` every `pollMs` until it returns a value; past `timeoutMs` it throws what `late` says (the
 * last thing seen).
 */
async function pollUntil<T>(
  clock: Clock,
  timeoutMs: number,
  pollMs: number,
  look: () => Promise<T | undefined>,
  late: () => string,
): Promise<T> {
  const deadline = clock.now() + timeoutMs;
  for (;;) {
    const value = await look();
    if (value !== undefined) return value;
    if (clock.now() >= deadline) throw new ClusterError(late(), 'permanent');
    await clock.sleep(pollMs);
  }
}

/**
 * Waits until the Deployment's spec is rolled out and every replica is available; fails when the
 * controller gives up (its progress deadline) or `timeoutMs` passes, with what it last saw.
 */
export function waitForComplete(
  target: DeployTarget,
  clock: Clock,
  namespace: string,
  name: string,
  timeoutMs: number,
  pollMs = 1000,
): Promise<Deployment> {
  let seen = 'not read yet';
  return pollUntil(
    clock,
    timeoutMs,
    pollMs,
    async () => {
      const deployment = await target.deployment(namespace, name);
      if (!deployment) throw new ClusterError(`deployment ${namespace}/${name} is gone`, 'not-found');
      if (isComplete(deployment)) return deployment;
      const progressing = conditionOf(deployment.status?.conditions, 'Progressing');
      seen = `${deployment.status?.availableReplicas ?? 0} of ${deployment.spec.replicas ?? 1} available`;
      if (specObserved(deployment) && progressing?.reason === 'ProgressDeadlineExceeded') {
        throw new ClusterError(
          `${namespace}/${name} did not become ready: ${progressing.message ?? seen}`,
          'permanent',
        );
      }
      return undefined;
    },
    () => `${namespace}/${name} was not ready within ${Math.round(timeoutMs / 1000)} s (${seen})`,
  );
}

/** Waits until the Deployment has no pod left (terminating ones included). */
export async function waitForNoPods(
  target: DeployTarget,
  clock: Clock,
  namespace: string,
  name: string,
  timeoutMs: number,
  pollMs = 1000,
): Promise<void> {
  let left = 0;
  await pollUntil(
    clock,
    timeoutMs,
    pollMs,
    async () => {
      left = (await target.snapshot(namespace, name)).pods.length;
      return left === 0 ? true : undefined;
    },
    () => `${left} pods of ${namespace}/${name} still run after ${Math.round(timeoutMs / 1000)} s`,
  );
}
