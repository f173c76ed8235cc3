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
