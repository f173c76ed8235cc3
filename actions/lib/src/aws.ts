import { ConfigurationError } from './errors.js';

/** What every AWS SDK v3 client constructor accepts and what we set. */
export interface AwsClientConfig {
  region: string;
  maxAttempts: number;
}

/** The part of an SDK v3 client the factory touches: its middleware stack, to name failed calls. */
export interface AwsSdkClient {
  middlewareStack: {
    // biome-ignore lint/suspicious/noExplicitAny: the SDK's handler types differ per client; only the shape matters here.
    add(middleware: any, options: { step: 'initialize'; name: string }): void;
  };
}

/**
 * Makes AWS SDK clients. Credentials are left to the SDK's default chain: environment variables (what
 * aws-actions/configure-aws-credentials exports), a web-identity token file (OIDC:
 * AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN), shared profiles, then instance metadata. Tests pass clients
 * mocked with aws-sdk-client-mock through the same interface. A call that fails, after the SDK's own
 * retries, throws the SDK's error with a message that names the call, the attempts and the HTTP status.
 */
export interface AwsClientFactory {
  readonly region: string;
  create<C extends AwsSdkClient>(Client: new (config: AwsClientConfig) => C): C;
}

interface SdkErrorFields {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

/**
 * `ECR DescribeRepositories failed after 5 attempts (HTTP 503 ServiceUnavailable): …`. The error keeps its
 * class and name (callers match on those, e.g. RepositoryNotFoundException); only the message gains the call.
 */
export function describeAwsFailure(clientName: string, commandName: string, error: SdkErrorFields): string {
  const service = clientName.replace(/Client$/, '');
  const call = commandName.replace(/Command$/, '');
  const attempts = error.$metadata?.attempts ?? 1;
  const status = error.$metadata?.httpStatusCode;
  const what = [status === undefined ? 'no HTTP answer' : `HTTP ${status}`, error.name]
    .filter(Boolean)
    .join(' ');
  return `${service} ${call} failed after ${attempts} attempt${attempts === 1 ? '' : 's'} (${what}): ${error.message ?? ''}`;
}

const NAMED = Symbol('k8s-ship named AWS failure');

function nameFailedCalls(client: AwsSdkClient): void {
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) =>
      async (args: unknown) => {
        try {
          return await next(args);
        } catch (error) {
          if (error instanceof Error && !(NAMED in error)) {
            error.message = describeAwsFailure(
              context.clientName ?? 'AWS',
              context.commandName ?? 'call',
              error as SdkErrorFields,
            );
            Object.defineProperty(error, NAMED, { value: true });
          }
          throw error;
        }
      },
    // Outermost: it sees the error the retry middleware gave up on, with the number of attempts made.
    { step: 'initialize', name: 'k8sShipNameFailedCall' },
  );
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
    create: (Client) => {
      const client = new Client({ region, maxAttempts });
      nameFailedCalls(client);
      return client;
    },
  };
}
