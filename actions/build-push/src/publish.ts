import { readFileSync } from 'node:fs';
import {
  type BuildCommand,
  type Builder,
  type BuildSpec,
  buildxCommand,
  classicBuildCommand,
} from '../../lib/src/docker/build-command.js';
import { type Docker, isTransientDockerError } from '../../lib/src/docker/docker-cli.js';
import {
  digestRef,
  type ImageRepository,
  repositoryName,
  SHA256_DIGEST,
  taggedRef,
} from '../../lib/src/docker/image-ref.js';
import type { ExistingImage } from '../../lib/src/ecr/ecr-registry.js';
import type { RetryOptions } from '../../lib/src/index.js';
import { retry } from '../../lib/src/index.js';
import { immutableTagConflictError, type TagConflict } from './tag-conflict.js';

/** Reads what a tag points at in the registry (the registry HTTP API in production). */
export interface ManifestReader {
  manifestDigest(image: ImageRepository, tag: string): Promise<string | undefined>;
}

/** For repositories with immutable tags (ECR): which tags cannot move, and what a tag already holds. */
export interface ImmutableTags {
  /** False for a tag the repository lets move (an ECR exclusion filter). */
  isImmutable(tag: string): boolean;
  existingImage(repository: string, tag: string): Promise<ExistingImage | undefined>;
}

export interface PublishPlan {
  image: ImageRepository;
  tags: string[];
  /** Tags of moving templates (`{{branch}}`, `latest`), each with its template, named in a conflict. */
  movingTags: ReadonlyMap<string, string>;
  build: Omit<BuildSpec, 'tags'>;
}

export interface PublishDeps {
  docker: Docker;
  manifests: ManifestReader;
  /** Present when the repository refuses to move tags. */
  immutable?: ImmutableTags;
  retry: Pick<RetryOptions, 'attempts' | 'baseMs' | 'maxMs' | 'sleep'>;
  log: { info(message: string): void; warning(message: string): void };
  now?: () => number;
}

export interface PublishResult {
  image: string;
  digest: string;
  imageRef: string;
  tags: string[];
  imageId: string;
  sizeBytes: number;
  buildMs: number;
  /** Tags that already held this very image in an immutable repository and were left as they were. */
  alreadyPresent: string[];
  /** False when the image was pushed by digest only: `tags` are then still to be added (tag-image). */
  tagged: boolean;
  /** Bytes sent to the registry, when the action pushed the blobs itself (push by digest, classic builder). */
  uploadedBytes?: number;
}

/** What was built and pushed, in the registry's names: the one shape both ways of publishing report. */
export function publishResult(
  plan: PublishPlan,
  pushed: Pick<PublishResult, 'digest' | 'imageId' | 'sizeBytes' | 'buildMs' | 'tagged' | 'uploadedBytes'>,
  existing: ReadonlyMap<string, unknown>,
): PublishResult {
  return {
    ...pushed,
    image: repositoryName(plan.image),
    imageRef: digestRef(plan.image, pushed.digest),
    tags: plan.tags.map((tag) => taggedRef(plan.image, tag)),
    alreadyPresent: [...existing.keys()],
  };
}

export async function existingTags(
  plan: PublishPlan,
  immutable: ImmutableTags,
): Promise<Map<string, ExistingImage>> {
  const found = new Map<string, ExistingImage>();
  for (const tag of plan.tags) {
    if (!immutable.isImmutable(tag)) continue;
    const existing = await immutable.existingImage(plan.image.repository, tag);
    if (existing) found.set(tag, existing);
  }
  return found;
}

/**
 * An existing tag in an immutable repository is fine when it holds the image just built (same config
 * digest, i.e. same image ID): a re-run of the same commit. Anything else would silently ship another image.
 */
export function checkExisting(
  plan: PublishPlan,
  existing: Map<string, ExistingImage>,
  imageId: string,
): void {
  const conflicts: TagConflict[] = [...existing]
    .filter(([, image]) => image.configDigest !== imageId)
    .map(([tag, image]) => ({ tag, existing: image, movingTemplate: plan.movingTags.get(tag) }));
  if (conflicts.length > 0) throw immutableTagConflictError(conflicts, repositoryName(plan.image), imageId);
}

/** Builds the image, pushes every tag (with retries on transient failures), and reads the digest back. */
export async function publishImage(plan: PublishPlan, deps: PublishDeps): Promise<PublishResult> {
  const existing = deps.immutable
    ? await existingTags(plan, deps.immutable)
    : new Map<string, ExistingImage>();
  const toPush = plan.tags.filter((tag) => !existing.has(tag));
  const spec: BuildSpec = { ...plan.build, tags: plan.tags.map((tag) => taggedRef(plan.image, tag)) };

  const builder = await deps.docker.builder();
  const useBuildx = builder === 'buildx';
  const command =
    builder === 'buildx'
      ? buildxCommand({ ...spec, tags: toPush.map((tag) => taggedRef(plan.image, tag)) }, toPush.length > 0)
      : classicBuildCommand(spec, builder);
  const { buildMs, imageId } = await buildChecked(plan, deps, { builder, command, existing });

  if (!command.pushes) {
    for (const tag of toPush) {
      await retry(() => deps.docker.push(taggedRef(plan.image, tag)), {
        ...deps.retry,
        isRetryable: isTransientDockerError,
        onRetry: (error, attempt, delayMs) =>
          deps.log.warning(
            `push of ${tag} failed (attempt ${attempt}), retrying in ${delayMs} ms: ${(error as Error).message}`,
          ),
      });
    }
  }

  const digests = new Set<string>();
  for (const tag of toPush) {
    const digest = await deps.manifests.manifestDigest(plan.image, tag);
    if (digest === undefined)
      throw new Error(`${taggedRef(plan.image, tag)} is not in the registry after the push`);
    digests.add(digest);
  }
  if (digests.size > 1) {
    throw new Error(`the tags just pushed point at different manifests: ${[...digests].join(', ')}`);
  }
  const digest = [...digests][0] ?? (existing.values().next().value as ExistingImage).manifestDigest;

  return publishResult(
    plan,
    {
      digest,
      imageId,
      // With buildx --push the image is not in the local store; its size is then unknown (0).
      sizeBytes: useBuildx ? 0 : await deps.docker.imageSize(imageId),
      buildMs,
      tagged: true,
    },
    existing,
  );
}

/**
 * Runs the build (its warnings first), then checks the image it made against the tags an immutable
 * repository already holds; the build time and the image ID.
 */
export async function buildChecked(
  plan: PublishPlan,
  deps: Pick<PublishDeps, 'docker' | 'log' | 'now'>,
  build: { builder: Builder; command: BuildCommand; existing: Map<string, ExistingImage> },
): Promise<{ buildMs: number; imageId: string }> {
  const now = deps.now ?? Date.now;
  const { builder, command, existing } = build;
  if (builder === 'legacy') deps.log.warning('docker buildx is missing: building with the legacy builder');
  for (const ignored of command.ignored) deps.log.warning(`Ignored without docker buildx: ${ignored}`);
  const started = now();
  await deps.docker.build(command, (chunk) => deps.log.info(chunk.trimEnd()));
  const buildMs = now() - started;
  const imageId = readImageId(plan.build.iidFile);
  checkExisting(plan, existing, imageId);
  return { buildMs, imageId };
}

/** Reads the image ID the build wrote, or fails when it wrote none. */
export function readImageId(iidFile: string): string {
  const imageId = readFileSync(iidFile, 'utf8').trim();
  if (!SHA256_DIGEST.test(imageId)) throw new Error(`the build wrote no image ID to ${iidFile}`);
  return imageId;
}
