import { digestRef, type ImageRepository, taggedRef } from '../../lib/src/docker/image-ref.js';
import { isTransientRegistryError, RegistryApiError } from '../../lib/src/docker/registry-client.js';
import { errorMessage, type RetryOptions, retry } from '../../lib/src/index.js';

/** What tagging needs of a registry; the lib's RegistryClient has these methods. */
export interface TaggingRegistry {
  manifest(
    image: ImageRepository,
    reference: string,
  ): Promise<{ digest: string; mediaType: string; body: Buffer } | undefined>;
  manifestDigest(image: ImageRepository, tag: string): Promise<string | undefined>;
  putManifest(image: ImageRepository, reference: string, mediaType: string, body: Buffer): Promise<string>;
}

export interface TagPlan {
  image: ImageRepository;
  digest: string;
  tags: readonly string[];
}

export interface TagOutcome {
  tag: string;
  /** registry/repository:tag */
  ref: string;
  /** `added`: the tag was new; `moved`: it named another image before; `unchanged`: it named this one. */
  result: 'added' | 'moved' | 'unchanged';
  /** The digest a moved tag named before. */
  previous?: string;
}

export interface TagDeps {
  registry: TaggingRegistry;
  retry: Pick<RetryOptions, 'attempts' | 'baseMs' | 'maxMs' | 'sleep' | 'random'>;
  log: { info: (message: string) => void; warning: (message: string) => void };
}

/** Tagging that cannot be done as asked; the message says what the registry said and what to change. */
export class TaggingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaggingError';
  }
}

/**
 * Reads the manifest by digest once, then puts those bytes under each tag: the registry computes the same
 * digest, so every tag names exactly the image that was scanned. Registry calls that fail transiently are
 * retried; a refusal is not.
 */
export async function tagImage(plan: TagPlan, deps: TagDeps): Promise<TagOutcome[]> {
  const call = <T>(what: string, fn: () => Promise<T>) =>
    retry(fn, {
      ...deps.retry,
      isRetryable: isTransientRegistryError,
      onRetry: (error, attempt, delayMs) =>
        deps.log.warning(
          `${what} failed (attempt ${attempt}), retrying in ${(delayMs / 1000).toFixed(1)} s: ${errorMessage(error)}`,
        ),
    });
  const pinned = digestRef(plan.image, plan.digest);

  const manifest = await call(`Reading ${pinned}`, () => deps.registry.manifest(plan.image, plan.digest));
  if (manifest === undefined) {
    throw new TaggingError(
      `${pinned} is not in the registry, so there is nothing to tag: give the image-ref build-push ` +
        'reported for this run (the registry may also have deleted the untagged image since)',
    );
  }
  deps.log.info(`${pinned}: ${manifest.mediaType}, ${manifest.body.length} bytes`);

  const outcomes: TagOutcome[] = [];
  const done = () =>
    outcomes.length === 0 ? '' : ` (tagged before this failure: ${outcomes.map((o) => o.tag).join(', ')})`;
  for (const tag of plan.tags) {
    const ref = taggedRef(plan.image, tag);
    const previous = await call(`Reading ${ref}`, () => deps.registry.manifestDigest(plan.image, tag));
    if (previous === plan.digest) {
      deps.log.info(`${ref} already names ${plan.digest}: left alone`);
      outcomes.push({ tag, ref, result: 'unchanged' });
      continue;
    }
    let stored: string;
    try {
      stored = await call(`Tagging ${ref}`, () =>
        deps.registry.putManifest(plan.image, tag, manifest.mediaType, manifest.body),
      );
    } catch (error) {
      if (error instanceof RegistryApiError && previous !== undefined && !isTransientRegistryError(error)) {
        throw new TaggingError(
          `${ref} already names another image, ${previous}, and the registry refused to move it to ` +
            `${plan.digest}: ${error.message}. Where tags are immutable (ECR's default) a tag names one ` +
            'image for good: tag with a template that changes with every build, such as {{sha}}, or let ' +
            `this tag move (on ECR, a mutability exclusion filter)${done()}`,
        );
      }
      throw new TaggingError(`${errorMessage(error)}${done()}`);
    }
    if (stored !== plan.digest) {
      throw new TaggingError(
        `the registry stored ${ref} as ${stored}, not ${plan.digest}: it changed the manifest, so the tag ` +
          `does not name the image that was scanned${done()}`,
      );
    }
    if (previous === undefined) {
      deps.log.info(`${ref} → ${plan.digest}: added`);
      outcomes.push({ tag, ref, result: 'added' });
    } else {
      deps.log.info(`${ref} → ${plan.digest}: moved from ${previous}`);
      outcomes.push({ tag, ref, result: 'moved', previous });
    }
  }
  return outcomes;
}
