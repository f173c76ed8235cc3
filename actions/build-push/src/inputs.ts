import { RESERVED_BUILD_ARG_NAMES } from '../../lib/src/docker/build-command.js';
import { isValidRegistryHost, isValidRepositoryName, registryKind } from '../../lib/src/docker/image-ref.js';
import {
  ConfigurationError,
  getBooleanInput,
  getIntegerInput,
  getListInput,
  getMultilineInput,
  getOptionalInput,
  getRequiredInput,
  getSecretInput,
  resolveAwsRegion,
} from '../../lib/src/index.js';
import { parseLabels } from './labels.js';

export type RegistryInput =
  | {
      kind: 'ecr';
      host?: string;
      registryId?: string;
      region: string;
      createRepository: boolean;
      kmsKey?: string;
    }
  | { kind: 'password'; host: string; username: string; password: string };

/** The inputs of action.yml, validated; keyed like them. */
export interface BuildPushInputs {
  registry: RegistryInput;
  repository: string;
  tagTemplates: string[];
  isProduction: boolean;
  context: string;
  file?: string;
  target?: string;
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  ociLabels: boolean;
  platforms: string[];
  cacheFrom: string[];
  cacheTo: string[];
  provenance: boolean;
  pushAttempts: number;
}

const BUILD_ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;
const REGISTRY_ID = /^\d{12}$/;

export function parseBuildArgs(name: string, lines: readonly string[]): Record<string, string> {
  const args: Record<string, string> = {};
  for (const line of lines) {
    const at = line.indexOf('=');
    const key = at < 0 ? line : line.slice(0, at);
    if (!BUILD_ARG_NAME.test(key) || at < 0) {
      throw ConfigurationError.invalidInput(
        name,
        line,
        'one NAME=value a line, NAME of letters, digits and _',
      );
    }
    if (RESERVED_BUILD_ARG_NAMES.includes(key)) {
      throw ConfigurationError.invalidInput(
        name,
        line,
        `a name other than ${RESERVED_BUILD_ARG_NAMES.join(', ')}`,
      );
    }
    args[key] = line.slice(at + 1);
  }
  return args;
}

function readRegistry(): RegistryInput {
  const registry = getRequiredInput('registry', "Use 'ecr', 'docker.io' or a registry host such as ghcr.io.");
  const ecrHost = registry !== 'ecr' && registryKind(registry) === 'ecr';
  if (registry === 'ecr' || ecrHost) {
    const registryId = getOptionalInput('ecr-registry-id');
    if (registryId !== undefined && !REGISTRY_ID.test(registryId)) {
      throw ConfigurationError.invalidInput('ecr-registry-id', registryId, 'a 12-digit AWS account ID');
    }
    return {
      kind: 'ecr',
      host: ecrHost ? registry : undefined,
      registryId,
      region: resolveAwsRegion('aws-region', getOptionalInput('aws-region')),
      createRepository: getBooleanInput('create-repository', true),
      kmsKey: getOptionalInput('kms-key'),
    };
  }
  if (!isValidRegistryHost(registry)) {
    throw ConfigurationError.invalidInput(
      'registry',
      registry,
      "'ecr', 'docker.io' or a host[:port] such as ghcr.io",
    );
  }
  const username = getRequiredInput('username', `Registry ${registry} needs a username and password.`);
  const password = getSecretInput('password', { required: true });
  return { kind: 'password', host: registry, username, password };
}

export function getInputs(): BuildPushInputs {
  const repository = getRequiredInput('repository');
  if (!isValidRepositoryName(repository)) {
    throw ConfigurationError.invalidInput(
      'repository',
      repository,
      'a repository name of lower-case letters, digits, and . _ - separators, with / between path parts (e.g. team/service)',
    );
  }
  const platforms = getListInput('platforms');
  for (const platform of platforms) {
    if (!PLATFORM.test(platform))
      throw ConfigurationError.invalidInput('platforms', platform, 'os/arch such as linux/amd64');
  }
  const tagTemplates = getMultilineInput('tags');
  if (tagTemplates.length === 0)
    throw ConfigurationError.missingInput('tags', 'Give at least one template, e.g. {{sha}}.');
  return {
    registry: readRegistry(),
    repository,
    tagTemplates,
    isProduction: getBooleanInput('is-production', false),
    context: getOptionalInput('context') ?? '.',
    file: getOptionalInput('file'),
    target: getOptionalInput('target'),
    buildArgs: parseBuildArgs('build-args', getMultilineInput('build-args')),
    labels: parseLabels('labels', getMultilineInput('labels')),
    ociLabels: getBooleanInput('oci-labels', true),
    platforms,
    cacheFrom: getMultilineInput('cache-from'),
    cacheTo: getMultilineInput('cache-to'),
    provenance: getBooleanInput('provenance', false),
    pushAttempts: getIntegerInput('push-attempts', 3, { min: 1, max: 10 }),
  };
}
