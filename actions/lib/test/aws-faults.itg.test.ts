import { CreateSecurityGroupCommand } from '@aws-sdk/client-ec2';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { AwsFaultProxy } from '../../../test/aws/fault-proxy.js';
import { MOTO_REGION, useMoto } from '../../../test/aws/use-moto.js';
import { createAwsClientFactory } from '../src/aws.js';
import { EcrRegistry } from '../src/ecr/ecr-registry.js';
import { findEc2Host } from '../src/ssh/ec2-host.js';
import { createEc2Client } from '../src/ssh/ec2-sdk.js';
import { openTemporaryIngress, revokeTemporaryIngress } from '../src/ssh/ingress.js';

// Throttling and server errors between the actions' real SDK clients and moto: the SDK retries (the
// factory sets 5 attempts) and then gives up with an error that names the call, the attempts and the
// HTTP status. The proxy counts what reached it, so the retries are seen to be bounded.
const moto = useMoto();
let proxy: AwsFaultProxy;
let endpoint: string | undefined;

beforeAll(async () => {
  proxy = await AwsFaultProxy.start(moto.url);
  endpoint = process.env.AWS_ENDPOINT_URL;
  process.env.AWS_ENDPOINT_URL = proxy.url;
});

afterAll(async () => {
  process.env.AWS_ENDPOINT_URL = endpoint;
  await proxy?.close();
});

beforeEach(async () => {
  await moto.server.reset();
  proxy.reset();
});

const ecr = () => createAwsClientFactory(MOTO_REGION).create(ECRClient);

describe('ECR behind faults', () => {
  test('two throttled answers are retried and the call succeeds', async () => {
    await ecr().send(
      new CreateRepositoryCommand({ repositoryName: 'shop/api', imageTagMutability: 'IMMUTABLE' }),
    );
    proxy.reset();
    proxy.failNext(2, 'throttle');
    await expect(new EcrRegistry(ecr()).tagMutability('shop/api')).resolves.toEqual({
      immutable: true,
      exclusions: [],
    });
    expect(proxy.counters.requests).toEqual([
      'DescribeRepositories',
      'DescribeRepositories',
      'DescribeRepositories',
    ]);
  });

  test('throttling that does not end: 5 attempts, then an error naming the call and the status', async () => {
    proxy.failNext(100, 'throttle');
    await expect(new EcrRegistry(ecr()).login()).rejects.toThrow(
      'ECR GetAuthorizationToken failed after 5 attempts (HTTP 400 ThrottlingException): Rate exceeded',
    );
    expect(proxy.counters.requests).toEqual(Array(5).fill('GetAuthorizationToken'));
  });

  test('server errors that do not end: 5 attempts, then an error naming the call and the status', async () => {
    proxy.failNext(100, 'server-error');
    await expect(new EcrRegistry(ecr()).ensureRepository('shop/api')).rejects.toThrow(
      /^ECR DescribeRepositories failed after 5 attempts \(HTTP 500 ServerException\): We encountered an internal error/,
    );
    expect(proxy.counters.failed).toBe(5);
  });

  test("a client error is not retried, and keeps its class for the caller's checks", async () => {
    await expect(new EcrRegistry(ecr()).tagMutability('shop/missing')).rejects.toThrow(
      /^The ECR repository shop\/missing does not exist/,
    );
    expect(proxy.counters.requests).toEqual(['DescribeRepositories']);
  });
});

describe('EC2 behind faults', () => {
  test('DescribeInstances throttled without end: 5 attempts, then an error naming the call', async () => {
    const ec2 = await createEc2Client(MOTO_REGION);
    proxy.failNext(100, 'throttle');
    await expect(findEc2Host(ec2, { tag: { key: 'Name', value: 'cp' } }, 'private-ip')).rejects.toThrow(
      'EC2 DescribeInstances failed after 5 attempts (HTTP 503 RequestLimitExceeded): Request limit exceeded.',
    );
    expect(proxy.counters.requests).toEqual(Array(5).fill('DescribeInstances'));
  });

  test('the revoke in the post step gets through a throttled answer and a server error', async () => {
    const ec2 = await createEc2Client(MOTO_REGION);
    const group = await ec2.send(
      new CreateSecurityGroupCommand({ GroupName: 'cluster', Description: 'cluster' }),
    );
    const rule = { groupId: group.GroupId as string, port: 22, cidr: '198.51.100.7/32' };
    const opened = await openTemporaryIngress(ec2, rule, 'k8s-ship');
    proxy.reset();
    proxy.failNext(1, 'throttle', 'RevokeSecurityGroupIngress');
    await expect(revokeTemporaryIngress(ec2, opened.rule)).resolves.toBe('revoked');
    proxy.failNext(1, 'server-error', 'RevokeSecurityGroupIngress');
    // The rule is gone: the retried revoke finds nothing, which is not an error.
    await expect(revokeTemporaryIngress(ec2, opened.rule)).resolves.toBe('already-gone');
    expect(proxy.counters.requests).toEqual(Array(4).fill('RevokeSecurityGroupIngress'));
  });
});
