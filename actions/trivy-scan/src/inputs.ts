import { isValidImageReference } from '../../lib/src/docker/image-ref.js';
import {
  ConfigurationError,
  getBooleanInput,
  getDurationInput,
  getEnumInput,
  getMultilineInput,
  getOptionalInput,
  getRequiredInput,
  getSecretInput,
  resolveAwsRegion,
} from '../../lib/src/index.js';
import { DEFAULT_DB_REPOSITORIES } from '../../lib/src/trivy/db.js';
import { DEFAULT_TRIVY_DOWNLOAD_URL, DEFAULT_TRIVY_VERSION } from '../../lib/src/trivy/installer.js';
import type { RegistryCredentials } from '../../lib/src/trivy/trivy-cli.js';
import { SEVERITIES } from './findings.js';
import type { FailOn } from './gate.js';

export const DEFAULT_IGNORE_FILE = '.trivyignore';
const VERSION = /^\d+\.\d+\.\d+$/;
/** An image reference: name[:tag][@digest], no whitespace, never starting with `-`. */
/** Trivy reads --username as a comma-separated list (CSV): no commas, quotes, whitespace or controls. */
const REGISTRY_USERNAME = /^[^,"\s\p{Cc}]+$/u;

export type TrivySource = 'auto' | 'path' | 'download';

export interface TrivyScanInputs {
  imageRef: string;
  scanner: 'trivy' | 'ecr';
  failOn: FailOn;
  ignoreUnfixed: boolean;
  /** The .trivyignore path, and whether the user named it (then it must exist). */
  ignoreFile: { path: string; explicit: boolean };
  reportDir?: string;
  timeoutMs: number;
  /** For the image's registry, when it asks for them (scanner trivy only). */
  registryCredentials?: RegistryCredentials;
  trivy: {
    source: TrivySource;
    version: string;
    downloadUrl: string;
    dbRepositories: string[];
    cacheDir?: string;
  };
  ecr: { region?: string; waitMs: number };
}

export function getInputs(): TrivyScanInputs {
  // First: the password is masked before anything else can print.
  const registryCredentials = getRegistryCredentials();
  const imageRef = getRequiredInput('image-ref', "Pass build-push's image-ref output.");
  if (!isValidImageReference(imageRef)) {
    throw ConfigurationError.invalidInput(
      'image-ref',
      imageRef,
      'an image reference like registry/repo@sha256:…',
    );
  }
  const scanner = getEnumInput('scanner', ['trivy', 'ecr'] as const, 'trivy');
  const version = getOptionalInput('trivy-version') ?? DEFAULT_TRIVY_VERSION;
  if (!VERSION.test(version))
    throw ConfigurationError.invalidInput('trivy-version', version, 'a release like 0.58.1');
  const downloadUrl = getOptionalInput('trivy-download-url') ?? DEFAULT_TRIVY_DOWNLOAD_URL;
  if (!/^https?:\/\//.test(downloadUrl)) {
    throw ConfigurationError.invalidInput('trivy-download-url', downloadUrl, 'an http(s) URL');
  }
  const dbRepositories = getMultilineInput('db-repositories');
  const ignoreFile = getOptionalInput('ignore-file');
  return {
    imageRef,
    scanner,
    failOn: getEnumInput('fail-on', [...SEVERITIES, 'NONE'] as const, 'HIGH', { caseInsensitive: true }),
    ignoreUnfixed: getBooleanInput('ignore-unfixed', false),
    ignoreFile: { path: ignoreFile ?? DEFAULT_IGNORE_FILE, explicit: ignoreFile !== undefined },
    reportDir: getOptionalInput('report-dir'),
    timeoutMs: getDurationInput('timeout', 10 * 60_000, { minMs: 10_000, maxMs: 6 * 3_600_000 }),
    registryCredentials,
    trivy: {
      source: getEnumInput('trivy-source', ['auto', 'path', 'download'] as const, 'auto'),
      version,
      downloadUrl,
      dbRepositories: dbRepositories.length > 0 ? dbRepositories : DEFAULT_DB_REPOSITORIES,
      cacheDir: getOptionalInput('cache-dir'),
    },
    ecr: {
      region: scanner === 'ecr' ? resolveAwsRegion('aws-region', getOptionalInput('aws-region')) : undefined,
      waitMs: getDurationInput('ecr-wait', 10 * 60_000, { minMs: 5000, maxMs: 3_600_000 }),
    },
  };
}

/** `username` and `password` come together or not at all; the password is masked as soon as it is read. */
function getRegistryCredentials(): RegistryCredentials | undefined {
  const password = getSecretInput('password');
  const username = getOptionalInput('username');
  if (username === undefined && password === undefined) return undefined;
  if (username === undefined) {
    throw new ConfigurationError(
      "Input 'username' is required when 'password' is set: pass the registry user the password belongs to.",
    );
  }
  if (password === undefined) {
    throw new ConfigurationError(
      "Input 'password' is required when 'username' is set: pass the registry password or token from a secret.",
    );
  }
  if (!REGISTRY_USERNAME.test(username)) {
    throw ConfigurationError.invalidInput(
      'username',
      username,
      'a registry user name without commas, quotes or whitespace',
    );
  }
  return { username, password };
}
