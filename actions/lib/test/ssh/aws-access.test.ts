import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeInstancesCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultSshAccessDeps, openSshAccess, type SshAccessDeps } from '../../src/ssh/access.js';
import type { SshConnectionSettings } from '../../src/ssh/connection-inputs.js';
import { findEc2Host } from '../../src/ssh/ec2-host.js';
import { openTemporaryIngress, revokeTemporaryIngress } from '../../src/ssh/ingress.js';
import { closeTemporaryAccess } from '../../src/ssh/ingress-cleanup.js';
import { resolveRunnerAddress } from '../../src/ssh/runner-address.js';

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'eu-central-1' });

function awsError(name: string): Error {
  return Object.assign(new Error(name), { name });
}

function instance(id: string, extra: Record<string, unknown> = {}) {
  return {
    InstanceId: id,
    PublicIpAddress: '203.0.113.10',
    PublicDnsName: 'ec2-203-0-113-10.eu-central-1.compute.amazonaws.com',
    PrivateIpAddress: '10.0.1.5',
    SecurityGroups: [{ GroupId: 'sg-0123456789abcdef0' }],
    ...extra,
  };
}

beforeEach(() => ec2Mock.reset());

describe('findEc2Host', () => {
  it('finds the running instance by tag and returns the address kind asked for', async () => {
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolves({ Reservations: [{ Instances: [instance('i-0aaaaaaaaaaaaaaaa')] }] });
    const host = await findEc2Host(ec2, { tag: { key: 'Name', value: 'cp' } }, 'private-ip');
    expect(host).toEqual({
      instanceId: 'i-0aaaaaaaaaaaaaaaa',
      address: '10.0.1.5',
      securityGroupIds: ['sg-0123456789abcdef0'],
    });
    const filters = ec2Mock.commandCalls(DescribeInstancesCommand)[0]?.args[0].input.Filters;
    expect(filters).toEqual([
      { Name: 'instance-state-name', Values: ['running'] },
      { Name: 'tag:Name', Values: ['cp'] },
    ]);
  });

  it('runs on the default client, loaded on first use, which aws-sdk-client-mock intercepts', async () => {
    ec2Mock
      .on(DescribeInstancesCommand)
      .resolves({ Reservations: [{ Instances: [instance('i-0aaaaaaaaaaaaaaaa')] }] });
    const client = await defaultSshAccessDeps({}).ec2('eu-central-1');
    expect(client).toBeInstanceOf(EC2Client);
    expect(await client.config.region()).toBe('eu-central-1');
    const host = await findEc2Host(client, { instanceId: 'i-0aaaaaaaaaaaaaaaa' }, 'private-ip');
    expect(host.address).toBe('10.0.1.5');
    expect(ec2Mock.commandCalls(DescribeInstancesCommand)).toHaveLength(1);
  });

  it('says when nothing runs or the address kind is missing', async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    await expect(findEc2Host(ec2, { instanceId: 'i-0aaaaaaaaaaaaaaaa' }, 'public-ip')).rejects.toThrow(
      'No running EC2 instance found for instance i-0aaaaaaaaaaaaaaaa',
    );
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [{ Instances: [instance('i-0aaaaaaaaaaaaaaaa', { PublicIpAddress: undefined })] }],
    });
    await expect(findEc2Host(ec2, { instanceId: 'i-0aaaaaaaaaaaaaaaa' }, 'public-ip')).rejects.toThrow(
      /has no public-ip address/,
    );
  });
});

describe('temporary ingress', () => {
  const rule = { groupId: 'sg-0123456789abcdef0', port: 22, cidr: '198.51.100.7/32' };

  it('adds a /32 rule for the SSH port and keeps the id EC2 gave it', async () => {
    ec2Mock.on(AuthorizeSecurityGroupIngressCommand).resolves({
      Return: true,
      SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-0123456789abcdef0' }],
    });
    const opened = await openTemporaryIngress(ec2, rule, 'k8s-ship run 1');
    expect(opened).toEqual({ created: true, rule: { ...rule, ruleId: 'sgr-0123456789abcdef0' } });
    expect(ec2Mock.commandCalls(AuthorizeSecurityGroupIngressCommand)[0]?.args[0].input).toEqual({
      GroupId: rule.groupId,
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 22,
          ToPort: 22,
          IpRanges: [{ CidrIp: rule.cidr, Description: 'k8s-ship run 1' }],
        },
      ],
    });
  });

  it('passes other EC2 errors on', async () => {
    ec2Mock.on(AuthorizeSecurityGroupIngressCommand).rejects(awsError('UnauthorizedOperation'));
    await expect(openTemporaryIngress(ec2, rule, 'x')).rejects.toThrow('UnauthorizedOperation');
  });

  it('revokes by rule id when it has one, by permission otherwise, and accepts a rule already gone', async () => {
    ec2Mock.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
    expect(await revokeTemporaryIngress(ec2, { ...rule, ruleId: 'sgr-1' })).toBe('revoked');
    expect(await revokeTemporaryIngress(ec2, rule)).toBe('revoked');
    const inputs = ec2Mock.commandCalls(RevokeSecurityGroupIngressCommand).map((call) => call.args[0].input);
    expect(inputs[0]).toEqual({ GroupId: rule.groupId, SecurityGroupRuleIds: ['sgr-1'] });
    expect(inputs[1]?.IpPermissions?.[0]?.IpRanges).toEqual([{ CidrIp: rule.cidr }]);

    ec2Mock.on(RevokeSecurityGroupIngressCommand).rejects(awsError('InvalidPermission.NotFound'));
    expect(await revokeTemporaryIngress(ec2, rule)).toBe('already-gone');
    ec2Mock.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true, UnknownIpPermissions: [{}] });
    expect(await revokeTemporaryIngress(ec2, rule)).toBe('already-gone');
  });
});

describe('resolveRunnerAddress', () => {
  it('takes a given address and checks it', async () => {
    expect(await resolveRunnerAddress('198.51.100.7', 'https://unused.example')).toBe('198.51.100.7');
    await expect(resolveRunnerAddress('198.51.100.7/24', 'https://unused.example')).rejects.toThrow(
      /not an IPv4/,
    );
  });

  it('asks the lookup URL and refuses an answer that is not one IPv4 address', async () => {
    const answering = (body: string, status = 200) =>
      (async () => new Response(body, { status })) as unknown as typeof fetch;
    expect(await resolveRunnerAddress(undefined, 'https://ip.example', answering('198.51.100.7\n'))).toBe(
      '198.51.100.7',
    );
    await expect(resolveRunnerAddress(undefined, 'https://ip.example', answering('<html>'))).rejects.toThrow(
      /answered "<html>", expected the runner's IPv4 address/,
    );
    await expect(resolveRunnerAddress(undefined, 'https://ip.example', answering('', 503))).rejects.toThrow(
      /HTTP 503/,
    );
  });
});

// The rule's life across main and post (opened, recorded, revoked or left alone) runs against moto in
// ec2-access.itg.test.ts; these pin what aws-sdk-client-mock sees best.
describe('openSshAccess and closeTemporaryAccess (state across steps)', () => {
  let dir: string;
  const saved = { ...process.env };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ssh-access-test-'));
    writeFileSync(join(dir, 'state'), '');
    process.env.GITHUB_STATE = join(dir, 'state');
  });

  afterEach(() => {
    process.env = { ...saved };
    rmSync(dir, { recursive: true, force: true });
  });

  const deps: SshAccessDeps = { ec2: async () => ec2, fetch, ruleDescription: 'k8s-ship test' };
  const settings: SshConnectionSettings = {
    target: { ec2: { instanceId: 'i-0aaaaaaaaaaaaaaaa' }, addressKind: 'public-ip' },
    // Port 1 on loopback: nothing listens, so the connection fails after the rule was opened.
    port: 1,
    username: 'deploy',
    privateKey: 'unused',
    hostKeys: { pins: [] },
    connectTimeoutMs: 2000,
    connectAttempts: 1,
    awsRegion: 'eu-central-1',
    temporaryIngress: { runnerIp: '198.51.100.7', runnerIpUrl: 'https://unused.example' },
  };

  it('does nothing in the post step when no rule was opened', async () => {
    await closeTemporaryAccess(deps);
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  it('asks for security-group-id when the instance has several groups', async () => {
    ec2Mock.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            instance('i-0aaaaaaaaaaaaaaaa', { SecurityGroups: [{ GroupId: 'sg-1' }, { GroupId: 'sg-2' }] }),
          ],
        },
      ],
    });
    await expect(openSshAccess(settings, deps)).rejects.toThrow(
      /2 security groups \(sg-1, sg-2\): set 'security-group-id'/,
    );
    expect(ec2Mock.commandCalls(AuthorizeSecurityGroupIngressCommand)).toHaveLength(0);
  });
});
