import { RESERVED_BUILD_ARG_NAMES } from '../../lib/src/docker/build-command.js';
import { isValidRepositoryName } from '../../lib/src/docker/image-ref.js';
import { getRegistryLoginInputs, type RegistryLoginInput } from '../../lib/src/docker/registry-login.js';
import {
  ConfigurationError,
  getBooleanInput,
  getIntegerInput,
  getListInput,
  getMultilineInput,
  getOptionalInput,
  getRequiredInput,
} from '../../lib/src/index.js';
import { parseLabels } from './labels.js';

/** The login inputs (shared with tag-image), plus how to create a missing ECR repository. */
export type RegistryInput =
  | (Extract<RegistryLoginInput, { kind: 'ecr' }> & { createRepository: boolean; kmsKey?: string })
  | Extract<RegistryLoginInput, { kind: 'password' }>;

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
  /** Push untagged, by digest only; the tags are added after the scan (tag-image). */
  pushByDigest: boolean;
}

const BUILD_ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;

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
  const login = getRegistryLoginInputs();
  if (login.kind !== 'ecr') return login;
  return {
    ...login,
    createRepository: getBooleanInput('create-repository', true),
    kmsKey: getOptionalInput('kms-key'),
  };
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
    pushByDigest: getBooleanInput('push-by-digest', false),
  };
}
