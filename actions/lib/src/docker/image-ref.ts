/** Where an image goes: the registry host and the repository inside it. */
export interface ImageRepository {
  /** Host[:port] as docker uses it: `123456789012.dkr.ecr.eu-central-1.amazonaws.com`, `docker.io`. */
  registry: string;
  repository: string;
}

export type RegistryKind = 'ecr' | 'dockerhub' | 'generic';

export const DOCKER_HUB = 'docker.io';
const ECR_HOST = /^(\d{12})\.dkr\.ecr(-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/;
/** The distribution spec's repository name: lower-case path components separated by `/`. */
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\d{1,5})?$|^\[[0-9a-fA-F:]+\](?::\d{1,5})?$/;

export function isValidRepositoryName(name: string): boolean {
  return name.length <= 255 && REPOSITORY.test(name);
}

export function isValidRegistryHost(host: string): boolean {
  return HOST.test(host);
}

export function registryKind(registry: string): RegistryKind {
  if (ECR_HOST.test(registry)) return 'ecr';
  if (registry === DOCKER_HUB || registry === 'index.docker.io' || registry === 'registry-1.docker.io') {
    return 'dockerhub';
  }
  return 'generic';
}

/** The account and region in an ECR host name. */
export function parseEcrHost(registry: string): { accountId: string; region: string } | undefined {
  const match = ECR_HOST.exec(registry);
  return match ? { accountId: match[1] as string, region: match[3] as string } : undefined;
}

export function repositoryName(image: ImageRepository): string {
  return `${image.registry}/${image.repository}`;
}

export function taggedRef(image: ImageRepository, tag: string): string {
  return `${repositoryName(image)}:${tag}`;
}

export function digestRef(image: ImageRepository, digest: string): string {
  return `${repositoryName(image)}@${digest}`;
}

/** Registries on the loopback interface speak plain HTTP (docker allows it for 127.0.0.0/8 only). */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '');
  return host === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '[::1]';
}

/** The base URL of a registry's HTTP API (Docker Hub's lives on another host than its name). */
export function registryApiBase(registry: string): string {
  if (registryKind(registry) === 'dockerhub') return 'https://registry-1.docker.io';
  return `${isLoopbackRegistry(registry) ? 'http' : 'https'}://${registry}`;
}

/*
 * The grammar of an image reference, `[registry/]repository[:tag][@sha256:digest]`: the one place it is
 * written. build-push writes references with the functions above; ssh-set-image and k8s/ read them here.
 */

/** The longest Docker tag. */
export const DOCKER_TAG_MAX_LENGTH = 128;
/** A Docker tag: at most 128 characters of [A-Za-z0-9_.-], not starting with `.` or `-`. */
export const DOCKER_TAG = new RegExp(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,${DOCKER_TAG_MAX_LENGTH - 1}}$`);
/** A content digest as a registry computes it: `sha256:` and 64 lower-case hex digits. */
export const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;

/** An image reference in parts, as kustomize's `images:` field and `docker pull` take it. */
export interface ImageReference {
  /** The registry host (when there is one) and the repository: `127.0.0.1:5000/team/app`, `app`. */
  name: string;
  tag?: string;
  digest?: string;
}

/** What a pinned reference looks like, for error messages. */
export const PINNED_IMAGE_EXPECTED =
  'REPOSITORY:TAG or REPOSITORY@sha256:DIGEST with a tag other than latest';

/** A reference outside the grammar, or not pinned; `reason` says which part is wrong. */
export class InvalidImageReferenceError extends Error {
  constructor(
    readonly reference: string,
    readonly reason: string,
    what = 'image',
  ) {
    super(`Invalid ${what} '${reference}': ${reason}; expected ${PINNED_IMAGE_EXPECTED}.`);
    this.name = 'InvalidImageReferenceError';
  }
}

/**
 * Splits at the `@` of the digest and the `:` of the tag (the one after the last `/`: not a registry port),
 * checking nothing; `extra` holds what follows a second `@`.
 */
export function splitImageReference(reference: string): ImageReference & { extra?: string } {
  const [nameAndTag = '', digest, ...extra] = reference.split('@');
  const lastSlash = nameAndTag.lastIndexOf('/');
  const colon = nameAndTag.indexOf(':', lastSlash + 1);
  return {
    name: colon === -1 ? nameAndTag : nameAndTag.slice(0, colon),
    ...(colon !== -1 && { tag: nameAndTag.slice(colon + 1) }),
    ...(digest !== undefined && { digest }),
    ...(extra.length > 0 && { extra: extra.join('@') }),
  };
}

/**
 * `registry/repository` or `repository`. As docker reads a name, its first part is a registry when it has a
 * `.` or a `:` or is `localhost`; otherwise the whole name is a repository (on Docker Hub).
 */
export function isValidImageName(name: string): boolean {
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  if (slash !== -1 && (/[.:]/.test(first) || first === 'localhost')) {
    return isValidRegistryHost(first) && isValidRepositoryName(name.slice(slash + 1));
  }
  return isValidRepositoryName(name);
}

/**
 * Parses `name:tag`, `name@sha256:…` or both, and requires it pinned: no tag at all means `latest` to the
 * container runtime, and `latest` moves under a running Deployment, so both are refused. `what` names the
 * value in the error (InvalidImageReferenceError).
 */
export function parseImageReference(reference: string, what = 'image'): ImageReference {
  const fail = (reason: string) => new InvalidImageReferenceError(reference, reason, what);
  const { name, tag, digest, extra } = splitImageReference(reference);
  if (extra !== undefined) throw fail('more than one @');
  if (digest !== undefined && !SHA256_DIGEST.test(digest))
    throw fail(`digest '${digest}' is not sha256 and 64 hex digits`);
  if (!isValidImageName(name)) throw fail(`repository '${name}' is not a valid lowercase image name`);
  if (tag !== undefined && !DOCKER_TAG.test(tag)) throw fail(`tag '${tag}' is not a valid Docker tag`);
  if (tag === 'latest') throw fail('the tag latest is not pinned');
  if (tag === undefined && digest === undefined) throw fail('it has neither tag nor digest');
  return { name, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) };
}

/** True for a reference in the grammar, pinned or not (`app` and `app:latest` too): what a scanner may read. */
export function isValidImageReference(reference: string): boolean {
  const { name, tag, digest, extra } = splitImageReference(reference);
  return (
    extra === undefined &&
    isValidImageName(name) &&
    (tag === undefined || DOCKER_TAG.test(tag)) &&
    (digest === undefined || SHA256_DIGEST.test(digest))
  );
}

/** True for `…@sha256:…`: the bytes are fixed, whatever happens to the tag. */
export function isPinnedByDigest(reference: string): boolean {
  const { digest, extra } = splitImageReference(reference);
  return digest !== undefined && extra === undefined && SHA256_DIGEST.test(digest);
}
