import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  DescribeSecurityGroupRulesCommand,
  type EC2Client,
  RunInstancesCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { parseKeyValueFile } from '../../../../runner/src/runner-files.js';
import { MOTO_REGION, useMoto } from '../../../../test/aws/use-moto.js';
import { openSshAccess, type SshAccessDeps } from '../../src/ssh/access.js';
import type { SshConnectionSettings } from '../../src/ssh/connection-inputs.js';
import { findEc2Host } from '../../src/ssh/ec2-host.js';
import { createEc2Client } from '../../src/ssh/ec2-sdk.js';
import { openTemporaryIngress, revokeTemporaryIngress } from '../../src/ssh/ingress.js';
import { closeTemporaryAccess } from '../../src/ssh/ingress-cleanup.js';

// The SSH access's EC2 half over the wire: the actions' own EC2 client (createEc2Client, the default
// credential chain) against moto, with the emulator's state read back afterwards. Instances live in a VPC
// on 127.0.0.0/16 so that every address the code may connect to stays on this machine.
const moto = useMoto();

interface Network {
  groupId: string;
  subnetId: string;
  imageId: string;
}

let ec2: EC2Client;
let network: Network;

beforeEach(async () => {
  await moto.server.reset();
  ec2 = await createEc2Client(MOTO_REGION);
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '127.0.0.0/16' }));
  const vpcId = vpc.Vpc?.VpcId as string;
  const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '127.0.0.0/24' }));
  const group = await ec2.send(
    new CreateSecurityGroupCommand({ GroupName: 'cluster', Description: 'the cluster', VpcId: vpcId }),
  );
  const images = await ec2.send(new DescribeImagesCommand({ MaxResults: 5 }));
  network = {
    groupId: group.GroupId as string,
    subnetId: subnet.Subnet?.SubnetId as string,
    imageId: images.Images?.[0]?.ImageId as string,
  };
});

/** One RunInstances call (one reservation) of one instance with the tags given, at `privateIp`. */
async function runInstance(tags: Record<string, string>, privateIp?: string): Promise<string> {
  const answer = await ec2.send(
    new RunInstancesCommand({
      ImageId: network.imageId,
      MinCount: 1,
      MaxCount: 1,
      SubnetId: network.subnetId,
      SecurityGroupIds: [network.groupId],
      ...(privateIp && { PrivateIpAddress: privateIp }),
      TagSpecifications: [
        {
          ResourceType: 'instance',
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        },
      ],
    }),
  );
  return answer.Instances?.[0]?.InstanceId as string;
}

async function ingressRules(groupId: string) {
  const answer = await ec2.send(
    new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }),
  );
  return (answer.SecurityGroupRules ?? []).filter((rule) => !rule.IsEgress);
}

const byTag = (value: string) => ({ tag: { key: 'Name', value } });

describe('findEc2Host against moto', () => {
  test('no instance with the tag is an error that names the tag', async () => {
    await runInstance({ Name: 'worker' });
    await expect(findEc2Host(ec2, byTag('control-plane'), 'private-ip')).rejects.toThrow(
      'No running EC2 instance found for the instance tagged Name=control-plane',
    );
  });

  test('one running instance: its id, the address kind asked for and its security groups', async () => {
    const id = await runInstance({ Name: 'control-plane' }, '127.0.0.10');
    await runInstance({ Name: 'worker' });
    await expect(findEc2Host(ec2, byTag('control-plane'), 'private-ip')).resolves.toEqual({
      instanceId: id,
      address: '127.0.0.10',
      securityGroupIds: [network.groupId],
    });
    await expect(findEc2Host(ec2, { instanceId: id }, 'private-ip')).resolves.toMatchObject({
      instanceId: id,
    });
  });

  test('a stopped instance with the tag is not a candidate', async () => {
    const stopped = await runInstance({ Name: 'control-plane' }, '127.0.0.11');
    const running = await runInstance({ Name: 'control-plane' }, '127.0.0.12');
    await ec2.send(new StopInstancesCommand({ InstanceIds: [stopped] }));
    await expect(findEc2Host(ec2, byTag('control-plane'), 'private-ip')).resolves.toMatchObject({
      instanceId: running,
      address: '127.0.0.12',
    });
    await expect(findEc2Host(ec2, { instanceId: stopped }, 'private-ip')).rejects.toThrow(
      `No running EC2 instance found for instance ${stopped}`,
    );
  });

  test('several running instances with the tag are refused, listing them', async () => {
    const first = await runInstance({ Name: 'control-plane' });
    const second = await runInstance({ Name: 'control-plane' });
    await expect(findEc2Host(ec2, byTag('control-plane'), 'private-ip')).rejects.toThrow(
      `2 running EC2 instances match the instance tagged Name=control-plane (${first}, ${second}): make the query name one`,
    );
  });

  test('every page is read: the one match is on the second page of reservations', async () => {
    // DescribeInstances pages by reservation (moto: 100 a page without MaxResults). 100 other nodes
    // tagged Role=node come first, then the control plane, also Role=node: a filter on Role=node then
    // has 101 matches over two pages, and the tag Name=control-plane finds the one on the second page.
    // One at a time: moto's EC2 backend fails concurrent RunInstances now and then.
    for (let n = 0; n < 100; n++) await runInstance({ Role: 'node' });
    const id = await runInstance({ Role: 'node', Name: 'control-plane' });
    const error = await findEc2Host(ec2, { tag: { key: 'Role', value: 'node' } }, 'private-ip').catch(
      (caught: Error) => caught,
    );
    expect((error as Error).message).toMatch(
      /^101 running EC2 instances match the instance tagged Role=node/,
    );
    expect((error as Error).message).toContain(id);
    await expect(findEc2Host(ec2, byTag('control-plane'), 'private-ip')).resolves.toMatchObject({
      instanceId: id,
    });
  });
});

describe('temporary ingress against moto', () => {
  const rule = () => ({ groupId: network.groupId, port: 22, cidr: '198.51.100.7/32' });

  test('opens exactly one /32 rule for the port, with its description, and revokes it by id', async () => {
    const opened = await openTemporaryIngress(ec2, rule(), 'k8s-ship temporary SSH access for run 7');
    expect(opened.created).toBe(true);
    expect(opened.rule.ruleId).toMatch(/^sgr-/);
    const rules = await ingressRules(network.groupId);
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({
      SecurityGroupRuleId: opened.rule.ruleId,
      IpProtocol: 'tcp',
      FromPort: 22,
      ToPort: 22,
      CidrIpv4: '198.51.100.7/32',
      Description: 'k8s-ship temporary SSH access for run 7',
    });
    await expect(revokeTemporaryIngress(ec2, opened.rule)).resolves.toBe('revoked');
    expect(await ingressRules(network.groupId)).toEqual([]);
    await expect(revokeTemporaryIngress(ec2, opened.rule)).resolves.toBe('already-gone');
  });

  test('revokes by permission when no rule id is known', async () => {
    await openTemporaryIngress(ec2, rule(), 'k8s-ship');
    await expect(revokeTemporaryIngress(ec2, rule())).resolves.toBe('revoked');
    expect(await ingressRules(network.groupId)).toEqual([]);
  });

  test('a rule that exists already is not ours: created false, and it stays', async () => {
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: network.groupId,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '198.51.100.7/32' }] },
        ],
      }),
    );
    const opened = await openTemporaryIngress(ec2, rule(), 'k8s-ship');
    expect(opened.created).toBe(false);
    expect(await ingressRules(network.groupId)).toHaveLength(1);
  });
});

describe('openSshAccess then the post step, against moto (state across steps)', () => {
  let dir: string;
  let saved: NodeJS.ProcessEnv;
  const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs1', format: 'pem' })
    .toString();

  beforeEach(() => {
    saved = { ...process.env };
    dir = mkdtempSync(join(tmpdir(), 'ec2-access-itg-'));
    writeFileSync(join(dir, 'state'), '');
    process.env.GITHUB_STATE = join(dir, 'state');
  });

  afterEach(() => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
    rmSync(dir, { recursive: true, force: true });
  });

  /** What the post step sees: the main step's state file as STATE_<name> variables. */
  function moveStateToPostStep(): void {
    const state = parseKeyValueFile(readFileSync(join(dir, 'state'), 'utf8'));
    for (const [name, value] of Object.entries(state)) process.env[`STATE_${name}`] = value;
  }

  const deps: SshAccessDeps = { ec2: createEc2Client, fetch, ruleDescription: 'k8s-ship itg' };

  /** The node found by tag, on port 1 of loopback: nothing listens, so connecting fails after the rule opened. */
  function nodeOnPort1(): SshConnectionSettings {
    return {
      target: { ec2: byTag('control-plane'), addressKind: 'private-ip' },
      port: 1,
      username: 'deploy',
      privateKey,
      hostKeys: { pins: [] },
      connectTimeoutMs: 2000,
      connectAttempts: 1,
      awsRegion: MOTO_REGION,
      temporaryIngress: { runnerIp: '198.51.100.7', runnerIpUrl: 'https://unused.example' },
    };
  }

  test('the node found by tag gets the rule before connecting; the failed connection leaves nothing open', async () => {
    await runInstance({ Name: 'control-plane' }, '127.0.0.1');
    await expect(openSshAccess(nodeOnPort1(), deps)).rejects.toThrow(/ECONNREFUSED/);
    expect(await ingressRules(network.groupId)).toMatchObject([{ CidrIpv4: '198.51.100.7/32', FromPort: 1 }]);
    moveStateToPostStep();
    await closeTemporaryAccess(deps);
    expect(await ingressRules(network.groupId)).toEqual([]);
  });

  test('the post step leaves a rule that was there before the run', async () => {
    await runInstance({ Name: 'control-plane' }, '127.0.0.1');
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: network.groupId,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 1, ToPort: 1, IpRanges: [{ CidrIp: '198.51.100.7/32' }] },
        ],
      }),
    );
    await expect(openSshAccess(nodeOnPort1(), deps)).rejects.toThrow(/ECONNREFUSED/);
    moveStateToPostStep();
    await closeTemporaryAccess(deps);
    expect(await ingressRules(network.groupId)).toHaveLength(1);
  });
});
