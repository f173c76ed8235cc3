import type { ExistingImage } from '../../lib/src/ecr/ecr-registry.js';

/** A tag that an immutable repository already gives to another image than the one just built. */
export interface TagConflict {
  tag: string;
  existing: ExistingImage;
  /** The template the tag came from when it is a moving one (`{{branch}}`, `latest`); absent for content tags. */
  movingTemplate?: string;
}

export class ImmutableTagConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImmutableTagConflictError';
  }
}

function holds(existing: ExistingImage, imageId: string): string {
  return existing.configDigest
    ? `holds another image (config ${existing.configDigest}, manifest ${existing.manifestDigest}) than the one just built (${imageId})`
    : `holds ${existing.manifestDigest}, whose config cannot be compared with the image just built (${imageId})`;
}

/**
 * A moving tag is bound to meet its old image on the second build, so the message says why and gives the
 * ways out: drop the template, or let that tag move (a mutable repository, or an ECR exclusion filter).
 */
function movingTagMessage(conflict: TagConflict, template: string, repository: string, imageId: string) {
  return [
    `Tag '${conflict.tag}' from the moving template '${template}' of input 'tags' already exists in the immutable repository ${repository} and ${holds(conflict.existing, imageId)}.`,
    `'${template}' gives a new image the same tag on every build, which an immutable repository refuses.`,
    `Either remove '${template}' from input 'tags' (the defaults {{sha}}, {{short-sha}} and {{semver}} never move; deploy by the image-ref output),`,
    `or let this tag move: make the repository's tags mutable, or on ECR keep them immutable with an exclusion filter for the tag`,
    `(image tag mutability IMMUTABLE_WITH_EXCLUSION, wildcard filter '${conflict.tag}').`,
  ].join(' ');
}

function contentTagMessage(conflict: TagConflict, repository: string, imageId: string) {
  return `Tag '${conflict.tag}' already exists in the immutable repository ${repository} and ${holds(conflict.existing, imageId)}. Use a tag that is new for every build, such as {{sha}}, or delete the old image.`;
}

/** One error for every conflicting tag, each message naming the tag and both images' digests. */
export function immutableTagConflictError(
  conflicts: readonly TagConflict[],
  repository: string,
  imageId: string,
): ImmutableTagConflictError {
  return new ImmutableTagConflictError(
    conflicts
      .map((conflict) =>
        conflict.movingTemplate === undefined
          ? contentTagMessage(conflict, repository, imageId)
          : movingTagMessage(conflict, conflict.movingTemplate, repository, imageId),
      )
      .join('\n'),
  );
}
