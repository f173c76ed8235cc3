/**
 * The registry login inputs build-push and tag-image share (`registry`, `aws-region`, `ecr-registry-id`,
 * `username`, `password`) and their resolution to a user and password for the registry: ECR's through
 * GetAuthorizationToken with the AWS credentials, any other registry's as given. Copy the inputs' block
 * from `actions/tag-image/action.yml`.
 */
import type { ECRClient } from '@aws-sdk/client-ecr';
import { describeAwsCredentialSource, resolveAwsRegion } from '../aws.js';
import { EcrRegistry } from '../ecr/ecr-registry.js';
import { ConfigurationError } from '../errors.js';
import { getOptionalInput, getRequiredInput, getSecretInput } from '../inputs.js';
import { info, warning } from '../log.js';
import { maskSecret } from '../mask.js';
import { isValidRegistryHost, registryKind } from './image-ref.js';

export type RegistryLoginInput =
  | {
      kind: 'ecr';
      /** The ECR host the input named; undefined for `ecr` (the account's own registry). */
      host?: string;
      registryId?: string;
      region: string;
    }
  | { kind: 'password'; host: string; username: string; password: string };

/** A user and password the registry takes (for ECR a 12-hour token, masked), and the ECR client when ECR. */
export interface RegistryLogin {
  /** host[:port] the login is for. */
  registry: string;
  username: string;
  password: string;
  ecr?: EcrRegistry;
}

const REGISTRY_ID = /^\d{12}$/;

/** Reads and checks the login inputs; the password is masked as it is read. */
export function getRegistryLoginInputs(): RegistryLoginInput {
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

/**
 * The user and password for the registry. For ECR: logs where the AWS credentials come from, exchanges
 * them for a token (masked at once), and warns when the token's registry is not the host the input named.
 */
export async function resolveRegistryLogin(
  input: RegistryLoginInput,
  createEcrClient: (region: string) => ECRClient,
): Promise<RegistryLogin> {
  if (input.kind === 'password')
    return { registry: input.host, username: input.username, password: input.password };
  info(`AWS credentials from ${describeAwsCredentialSource()}, region ${input.region}`);
  const ecr = new EcrRegistry(createEcrClient(input.region));
  const token = await ecr.login(input.registryId);
  maskSecret(token.password);
  if (input.host !== undefined && input.host !== token.registry) {
    warning(`The ECR token is for ${token.registry}, not ${input.host}; using ${token.registry}`);
  }
  return { ...token, ecr };
}
