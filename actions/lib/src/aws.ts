import { ConfigurationError } from './errors.js';

/** What every AWS SDK v3 client constructor accepts and what we set. */
export interface AwsClientConfig {
  region: string;
  maxAttempts: number;
}

/**
 * Makes AWS SDK clients. Credentials are left to the SDK's default chain: environment variables (what
 * aws-actions/configure-aws-credentials exports), a web-identity token file (OIDC:
 * AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN), shared profiles, then instance metadata. Tests pass clients
 * mocked with aws-sdk-client-mock through the same interface.
 */
export interface AwsClientFactory {
  readonly region: string;
  create<C>(Client: new (config: AwsClientConfig) => C): C;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** The region from the input, else AWS_REGION, else AWS_DEFAULT_REGION; validated. */
export function resolveAwsRegion(inputName: string, input: string | undefined, env = process.env): string {
  const region = input ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region === undefined || region === '') {
    throw new ConfigurationError(
      `No AWS region: set the input '${inputName}' or the environment variable AWS_REGION (e.g. eu-central-1).`,
    );
  }
  if (!REGION.test(region)) {
    throw ConfigurationError.invalidInput(
      inputName,
      region,
      'an AWS region like eu-central-1 or us-gov-west-1',
    );
  }
  return region;
}

/** Where the default chain will find credentials, for one informative log line (no secret in it). */
export function describeAwsCredentialSource(env = process.env): string {
  if (env.AWS_ACCESS_KEY_ID) return 'environment variables';
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN)
    return `web identity (OIDC) for ${env.AWS_ROLE_ARN}`;
  if (env.AWS_PROFILE) return `profile ${env.AWS_PROFILE}`;
  return 'the default chain (shared config or instance metadata)';
}

export function createAwsClientFactory(region: string, maxAttempts = 5): AwsClientFactory {
  return {
    region,
    create: (Client) => new Client({ region, maxAttempts }),
  };
}
