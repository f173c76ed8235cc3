import {
  DOCKER_TAG,
  type ImageRepository,
  isValidRegistryHost,
  isValidRepositoryName,
  parseEcrHost,
  registryApiBase,
  repositoryName,
  SHA256_DIGEST,
  splitImageReference,
} from '../../lib/src/docker/image-ref.js';
import { getRegistryLoginInputs, type RegistryLoginInput } from '../../lib/src/docker/registry-login.js';
import { ConfigurationError, getListInput, getRequiredInput } from '../../lib/src/index.js';

/** The inputs of action.yml, validated. */
export interface TagImageInputs {
  /** The repository the image is in, from `image`. */
  image: ImageRepository;
  /** The digest `image` pins. */
  digest: string;
  /** Bare tags, in the order given, each once. */
  tags: string[];
  registry: RegistryLoginInput;
}

const PINNED_EXPECTED =
  "a reference pinned by digest, registry/repository@sha256:<64 hex digits> (build-push's image-ref output)";

/** Docker reads the first part of a name as a registry when it has a `.` or a `:` or is `localhost`. */
const looksLikeRegistry = (part: string) => /[.:]/.test(part) || part === 'localhost';

/** `registry/repository@sha256:…` → its repository and digest; anything else (a tag above all) is refused. */
export function parsePinnedImage(name: string, value: string): { image: ImageRepository; digest: string } {
  const { name: imageName, tag, digest, extra } = splitImageReference(value);
  const slash = imageName.indexOf('/');
  const registry = imageName.slice(0, slash);
  const repository = imageName.slice(slash + 1);
  if (
    digest === undefined ||
    !SHA256_DIGEST.test(digest) ||
    tag !== undefined ||
    extra !== undefined ||
    slash < 0 ||
    !looksLikeRegistry(registry) ||
    !isValidRegistryHost(registry) ||
    !isValidRepositoryName(repository)
  ) {
    throw ConfigurationError.invalidInput(name, value, PINNED_EXPECTED);
  }
  return { image: { registry, repository }, digest };
}

/**
 * Each item a bare tag or `registry/repository:tag` of the image's own repository (what build-push
 * outputs); returns the bare tags, each once.
 */
export function parseTags(name: string, items: readonly string[], image: ImageRepository): string[] {
  const own = repositoryName(image);
  const tags: string[] = [];
  for (const item of items) {
    let tag = item;
    if (item.includes('/')) {
      const reference = splitImageReference(item);
      if (reference.name !== own || reference.tag === undefined || reference.digest !== undefined) {
        throw ConfigurationError.invalidInput(
          name,
          item,
          `a tag, or a reference ${own}:TAG to the repository of the input 'image'`,
        );
      }
      tag = reference.tag;
    }
    if (!DOCKER_TAG.test(tag)) {
      throw ConfigurationError.invalidInput(
        name,
        item,
        'a Docker tag: up to 128 letters, digits, _ . and -, not starting with . or -',
      );
    }
    if (!tags.includes(tag)) tags.push(tag);
  }
  if (tags.length === 0) throw ConfigurationError.missingInput(name, 'Give at least one tag to add.');
  return tags;
}

/** Two names of one registry (Docker Hub has several) reach the same API. */
const sameRegistry = (a: string, b: string) => registryApiBase(a) === registryApiBase(b);

/**
 * The login must be for the registry the image is in. An ECR login with no registry ID asks for the
 * account the image's ECR host names.
 */
export function loginForImage(login: RegistryLoginInput, image: ImageRepository): RegistryLoginInput {
  const named = login.host;
  if (named !== undefined && !sameRegistry(named, image.registry)) {
    throw ConfigurationError.invalidInput(
      'registry',
      named,
      `the registry of the input 'image', ${image.registry}`,
    );
  }
  if (login.kind === 'ecr' && login.registryId === undefined) {
    const accountId = parseEcrHost(image.registry)?.accountId;
    if (accountId !== undefined) return { ...login, registryId: accountId };
  }
  return login;
}

export function getInputs(): TagImageInputs {
  const { image, digest } = parsePinnedImage('image', getRequiredInput('image'));
  const tags = parseTags('tags', getListInput('tags'), image);
  const registry = loginForImage(getRegistryLoginInputs(), image);
  return { image, digest, tags, registry };
}
