import { afterAll, beforeAll } from 'vitest';
import { type MotoServer, startMotoServer } from './moto-server.js';

export const MOTO_REGION = 'eu-central-1';

/** moto accepts any key while IAM enforcement is off; these name the emulator so no one mistakes them. */
export const MOTO_CREDENTIALS = {
  accessKeyId: 'AKIAMOTOEMULATOR0000',
  secretAccessKey: 'moto-emulator-secret',
};

/** Every variable the SDK's endpoint, region and credential chains read, so that none of the machine's leaks in. */
const AWS_VARIABLES = [
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_EC2',
  'AWS_ENDPOINT_URL_ECR',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_ROLE_ARN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_MAX_ATTEMPTS',
  'AWS_RETRY_MODE',
] as const;

/** The environment the actions' code sees for an endpoint: what configure-aws-credentials would export. */
export function awsEnvironment(
  endpoint: string,
  credentials: { accessKeyId: string; secretAccessKey: string } = MOTO_CREDENTIALS,
): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: MOTO_REGION,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    // No shared config or credentials file of the machine's user.
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
}

/** Sets `values` in process.env (removing the other AWS variables) and returns what puts it back. */
export function setAwsEnvironment(values: Record<string, string>): () => void {
  const saved = new Map(AWS_VARIABLES.map((name) => [name, process.env[name]]));
  for (const name of AWS_VARIABLES) delete process.env[name];
  Object.assign(process.env, values);
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/**
 * One moto server for the calling test file, and the environment pointing the AWS SDK at it (endpoint,
 * region, the emulator's credentials) while the file runs; the environment is restored and the server
 * stopped afterwards. Read `.server` inside tests and hooks, not at import time.
 */
export function useMoto(): { readonly server: MotoServer; readonly url: string } {
  let server: MotoServer | undefined;
  let restore: (() => void) | undefined;
  beforeAll(async () => {
    server = await startMotoServer();
    restore = setAwsEnvironment(awsEnvironment(server.url));
  });
  afterAll(async () => {
    restore?.();
    await server?.stop();
  });
  return {
    get server() {
      if (!server) throw new Error('moto is not started yet: use it inside a test or hook');
      return server;
    },
    get url() {
      return this.server.url;
    },
  };
}
