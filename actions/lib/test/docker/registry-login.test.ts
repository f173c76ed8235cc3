import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, test, vi } from 'vitest';
import { getRegistryLoginInputs, resolveRegistryLogin } from '../../src/docker/registry-login.js';

const ecr = mockClient(ECRClient);
afterAll(() => ecr.restore());
afterEach(() => {
  vi.unstubAllEnvs();
  ecr.reset();
});

function inputs(values: Record<string, string>): void {
  for (const name of ['registry', 'aws-region', 'ecr-registry-id', 'username', 'password'])
    vi.stubEnv(`INPUT_${name.toUpperCase()}`, values[name] ?? '');
  vi.stubEnv('AWS_REGION', '');
  vi.stubEnv('AWS_DEFAULT_REGION', '');
}

describe('getRegistryLoginInputs', () => {
  test('a registry host takes a username and password', () => {
    inputs({ registry: 'ghcr.io', username: 'ci', password: 'pw' });
    expect(getRegistryLoginInputs()).toEqual({
      kind: 'password',
      host: 'ghcr.io',
      username: 'ci',
      password: 'pw',
    });
  });

  test('a registry host without a password says which input is missing', () => {
    inputs({ registry: 'ghcr.io', username: 'ci' });
    expect(() => getRegistryLoginInputs()).toThrow("Input 'password' is required but was empty.");
  });

  test('`ecr` and an ECR host log in with the AWS credentials of a region', () => {
    inputs({ registry: 'ecr', 'aws-region': 'eu-central-1' });
    expect(getRegistryLoginInputs()).toEqual({ kind: 'ecr', region: 'eu-central-1' });
    const host = '123456789012.dkr.ecr.eu-central-1.amazonaws.com';
    inputs({ registry: host, 'aws-region': 'eu-central-1', 'ecr-registry-id': '123456789012' });
    expect(getRegistryLoginInputs()).toEqual({
      kind: 'ecr',
      host,
      registryId: '123456789012',
      region: 'eu-central-1',
    });
  });

  test.each([
    [
      { registry: 'ecr', 'aws-region': 'eu-central-1', 'ecr-registry-id': '12345' },
      "Invalid input 'ecr-registry-id': '12345'. Expected a 12-digit AWS account ID.",
    ],
    [
      { registry: 'not a host!' },
      "Invalid input 'registry': 'not a host!'. Expected 'ecr', 'docker.io' or a host[:port] such as ghcr.io.",
    ],
    [{ registry: 'ecr' }, "No AWS region: set the input 'aws-region' or the environment variable AWS_REGION"],
  ])('%j is refused', (values, message) => {
    inputs(values);
    expect(() => getRegistryLoginInputs()).toThrow(message);
  });
});

describe('resolveRegistryLogin', () => {
  test('a password login is used as given', async () => {
    const login = { kind: 'password', host: 'ghcr.io', username: 'ci', password: 'pw' } as const;
    expect(await resolveRegistryLogin(login, () => new ECRClient({}))).toEqual({
      registry: 'ghcr.io',
      username: 'ci',
      password: 'pw',
    });
  });

  test('ECR: the token for the registry ID asked, and the client for later ECR calls', async () => {
    ecr.on(GetAuthorizationTokenCommand).resolves({
      authorizationData: [
        {
          authorizationToken: Buffer.from('AWS:token').toString('base64'),
          proxyEndpoint: 'https://123456789012.dkr.ecr.eu-central-1.amazonaws.com',
        },
      ],
    });
    const login = await resolveRegistryLogin(
      { kind: 'ecr', region: 'eu-central-1', registryId: '123456789012' },
      (region) => new ECRClient({ region }),
    );
    expect(login).toMatchObject({
      registry: '123456789012.dkr.ecr.eu-central-1.amazonaws.com',
      username: 'AWS',
      password: 'token',
    });
    expect(login.ecr).toBeDefined();
    expect(ecr.commandCalls(GetAuthorizationTokenCommand)[0]?.args[0].input).toEqual({
      registryIds: ['123456789012'],
    });
  });
});
