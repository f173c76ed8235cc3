import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildxMetadataDigest,
  buildxPushByDigestCommand,
  classicBuildCommand,
} from '../../lib/src/docker/build-command.js';
import {
  digestRef,
  type ImageRepository,
  repositoryName,
  taggedRef,
} from '../../lib/src/docker/image-ref.js';
import type { LayerDigestCache } from '../../lib/src/docker/layer-digest-cache.js';
import { type BlobRegistry, pushSavedImage } from '../../lib/src/docker/push-by-digest.js';
import { isTransientRegistryError } from '../../lib/src/docker/registry-client.js';
import type { ExistingImage } from '../../lib/src/ecr/ecr-registry.js';
import { retry } from '../../lib/src/index.js';
import {
  buildChecked,
  existingTags,
  type PublishDeps,
  type PublishPlan,
  type PublishResult,
  publishResult,
} from './publish.js';

/**
 * The name the classic builder's image gets in the local store: a registry name that resolves nowhere
 * (`.local` is mDNS's), so that no `docker push` of it can reach a real registry by mistake.
 */
export const LOCAL_REGISTRY = 'k8s-ship.local';

export function localImageRef(image: ImageRepository, tag: string): string {
  return taggedRef({ registry: LOCAL_REGISTRY, repository: image.repository }, tag);
}

export interface PublishByDigestDeps extends PublishDeps {
  /** The registry's blob and manifest API, for the classic builder's push. */
  blobs: BlobRegistry;
  layerCache?: LayerDigestCache;
  /** Where the saved image tar and buildx's metadata file go (the job's work folder). */
  scratchDir: string;
}

/**
 * Builds the image and pushes it untagged, addressed by digest only, so that no tag names it before the
 * scan has passed; the tags are added later (tag-image). buildx pushes by digest itself; with the classic
 * builder the image is saved and its blobs and manifest are put over the registry API (push-by-digest.ts).
 */
export async function publishByDigest(plan: PublishPlan, deps: PublishByDigestDeps): Promise<PublishResult> {
  const now = deps.now ?? Date.now;
  // A tag that an immutable repository already gives another image would fail the later tagging: say so now.
  const existing = deps.immutable
    ? await existingTags(plan, deps.immutable)
    : new Map<string, ExistingImage>();
  const builder = await deps.docker.builder();
  const metadataFile = join(deps.scratchDir, 'buildx-metadata.json');
  const localRef = localImageRef(plan.image, plan.tags[0] as string);
  const command =
    builder === 'buildx'
      ? buildxPushByDigestCommand(plan.build, repositoryName(plan.image), metadataFile)
      : classicBuildCommand({ ...plan.build, tags: [localRef] }, builder);
  const { buildMs, imageId } = await buildChecked(plan, deps, { builder, command, existing });

  let digest: string;
  let uploadedBytes: number | undefined;
  if (command.pushes) {
    digest = buildxMetadataDigest(
      readFileSync(metadataFile, 'utf8'),
      `buildx's metadata file ${metadataFile}`,
    );
  } else {
    const tarPath = join(deps.scratchDir, 'image.tar');
    try {
      const pushStarted = now();
      await deps.docker.save(localRef, tarPath);
      const pushed = await pushSavedImage(tarPath, plan.image, {
        registry: deps.blobs,
        cache: deps.layerCache,
        log: deps.log,
        attempt: (what, call) =>
          retry(call, {
            ...deps.retry,
            isRetryable: isTransientRegistryError,
            onRetry: (error, attempt, delayMs) =>
              deps.log.warning(
                `${what} failed (attempt ${attempt}), retrying in ${delayMs} ms: ${(error as Error).message}`,
              ),
          }),
      });
      // The save must be the image just built: its config digest is the build's image ID.
      if (pushed.configDigest !== imageId)
        throw new Error(
          `docker save of ${localRef} gave config ${pushed.configDigest}, not the image just built (${imageId})`,
        );
      digest = pushed.digest;
      uploadedBytes = pushed.uploadedBytes;
      const uploaded = pushed.layers.filter((layer) => layer.how === 'uploaded').length;
      deps.log.info(
        `Pushed by digest in ${((now() - pushStarted) / 1000).toFixed(1)} s: ${uploaded} of ${pushed.layers.length} layers uploaded, ${(pushed.uploadedBytes / 1_000_000).toFixed(1)} MB in all`,
      );
    } finally {
      rmSync(tarPath, { force: true });
    }
  }

  // The digest the action reports must be one the registry serves.
  const served = await deps.manifests.manifestDigest(plan.image, digest);
  if (served !== digest)
    throw new Error(
      `${digestRef(plan.image, digest)} is not in the registry after the push (it answered ${served ?? 'not found'})`,
    );

  return publishResult(
    plan,
    {
      digest,
      imageId,
      sizeBytes: command.pushes ? 0 : await deps.docker.imageSize(imageId),
      buildMs,
      tagged: false,
      ...(uploadedBytes !== undefined && { uploadedBytes }),
    },
    existing,
  );
}
