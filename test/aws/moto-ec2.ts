import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  DescribeSecurityGroupRulesCommand,
  type EC2Client,
  RunInstancesCommand,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';

/** A control-plane node in moto: one running instance, with one security group of its own. */
export interface MotoNode {
  instanceId: string;
  groupId: string;
}

/**
 * Creates, in moto's (clean) account, a VPC and subnet on 127.0.0.0/16, a security group, and one running
 * instance in it at `privateIp` (for `ec2-address: private-ip`: moto's public addresses are made up).
 */
export async function createMotoNode(
  ec2: EC2Client,
  options: { privateIp: string; tags?: Record<string, string> },
): Promise<MotoNode> {
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '127.0.0.0/16' }))).Vpc?.VpcId as string;
  const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '127.0.0.0/24' })))
    .Subnet?.SubnetId as string;
  const groupId = (
    await ec2.send(
      new CreateSecurityGroupCommand({ GroupName: 'cluster', Description: 'cluster', VpcId: vpcId }),
    )
  ).GroupId as string;
  const imageId = (await ec2.send(new DescribeImagesCommand({ MaxResults: 5 }))).Images?.[0]?.ImageId;
  const tags = Object.entries(options.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
  const answer = await ec2.send(
    new RunInstancesCommand({
      ImageId: imageId,
      MinCount: 1,
      MaxCount: 1,
      SubnetId: subnetId,
      SecurityGroupIds: [groupId],
      PrivateIpAddress: options.privateIp,
      ...(tags.length > 0 && { TagSpecifications: [{ ResourceType: 'instance', Tags: tags }] }),
    }),
  );
  return { instanceId: answer.Instances?.[0]?.InstanceId as string, groupId };
}

/** The security group's ingress rules as moto holds them (egress left out). */
export async function ingressRules(ec2: EC2Client, groupId: string): Promise<SecurityGroupRule[]> {
  const answer = await ec2.send(
    new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }),
  );
  return (answer.SecurityGroupRules ?? []).filter((rule) => !rule.IsEgress);
}
