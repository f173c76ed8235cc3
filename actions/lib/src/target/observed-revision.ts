import type { Clock } from '../clock.js';
import { type ReplicaSet, revisionOf, specObserved, templateHashOf } from '../kubectl/resources.js';
import type { DeployTarget } from './deploy-target.js';

/** A revision of a Deployment: its number, and the template hash that still names it after an undo. */
export interface Revision {
  revision: number;
  podTemplateHash: string;
}

export function revisionOfSet(replicaSet: ReplicaSet): Revision {
  return { revision: revisionOf(replicaSet) ?? 0, podTemplateHash: templateHashOf(replicaSet) ?? '' };
}

function runsImages(replicaSet: ReplicaSet, images: Readonly<Record<string, string>>): boolean {
  const running = Object.fromEntries(replicaSet.spec.template.spec.containers.map((c) => [c.name, c.image]));
  return Object.entries(images).every(([name, image]) => running[name] === image);
}

export interface ObservedRevisionWait {
  namespace: string;
  deployment: string;
  /** Only a revision numbered above this one counts. */
  after: number;
  /** Only a ReplicaSet whose template runs these images counts; absent: any. */
  images?: Readonly<Record<string, string>>;
  timeoutMs: number;
  pollMs?: number;
}

/**
 * Waits until the controller has seen the latest spec and made (or reused) a ReplicaSet numbered above
 * `after`, running `images`. Found by its template rather than the Deployment's revision: when another
 * deploy changed the image meanwhile, the revision reported is still the one asked about.
 */
export async function waitForObservedRevision(
  target: DeployTarget,
  wait: ObservedRevisionWait,
  clock: Clock,
): Promise<Revision> {
  const deadline = clock.now() + wait.timeoutMs;
  for (;;) {
    const current = await target.deployment(wait.namespace, wait.deployment);
    if (current && specObserved(current)) {
      const newest = (await target.replicaSetsOf(wait.namespace, current))
        .map((rs) => ({ rs, ...revisionOfSet(rs) }))
        .filter(
          ({ rs, revision }) =>
            revision > wait.after && (wait.images === undefined || runsImages(rs, wait.images)),
        )
        .sort((a, b) => b.revision - a.revision)[0];
      if (newest) return { revision: newest.revision, podTemplateHash: newest.podTemplateHash };
    }
    if (clock.now() > deadline) {
      throw new Error(
        `the Deployment ${wait.namespace}/${wait.deployment} got no new revision within ${wait.timeoutMs} ms ` +
          '(is the controller manager running?)',
      );
    }
    await clock.sleep(wait.pollMs ?? 500);
  }
}
