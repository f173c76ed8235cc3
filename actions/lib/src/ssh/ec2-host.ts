import type { EC2Client, Filter, Instance } from '@aws-sdk/client-ec2';
import { loadEc2Sdk } from './ec2-sdk.js';

/** Which instance is the control-plane node: by id, or by one tag (e.g. `Name=k8s-control-plane`). */
export type Ec2HostQuery = { instanceId: string } | { tag: { key: string; value: string } };

/** Which of the instance's addresses to connect to. */
export type Ec2AddressKind = 'public-ip' | 'public-dns' | 'private-ip';
export const EC2_ADDRESS_KINDS: readonly Ec2AddressKind[] = ['public-ip', 'public-dns', 'private-ip'];

export interface Ec2Host {
  instanceId: string;
  address: string;
  securityGroupIds: string[];
}

export const describeQuery = (query: Ec2HostQuery): string =>
  'instanceId' in query
    ? `instance ${query.instanceId}`
    : `the instance tagged ${query.tag.key}=${query.tag.value}`;

/**
 * Finds the running instance the query names and the address to reach it at. Exactly one instance must
 * match: deploying to whichever of two tagged nodes answers first would be a silent mistake.
 */
export async function findEc2Host(
  ec2: EC2Client,
  query: Ec2HostQuery,
  kind: Ec2AddressKind,
): Promise<Ec2Host> {
  const { DescribeInstancesCommand } = await loadEc2Sdk();
  const filters: Filter[] = [{ Name: 'instance-state-name', Values: ['running'] }];
  if ('tag' in query) filters.push({ Name: `tag:${query.tag.key}`, Values: [query.tag.value] });
  const instances: Instance[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ec2.send(
      new DescribeInstancesCommand({
        ...('instanceId' in query && { InstanceIds: [query.instanceId] }),
        Filters: filters,
        NextToken: nextToken,
      }),
    );
    for (const reservation of page.Reservations ?? []) instances.push(...(reservation.Instances ?? []));
    nextToken = page.NextToken;
  } while (nextToken);

  const what = describeQuery(query);
  if (instances.length === 0) throw new Error(`No running EC2 instance found for ${what}`);
  if (instances.length > 1) {
    const ids = instances.map((instance) => instance.InstanceId).join(', ');
    throw new Error(
      `${instances.length} running EC2 instances match ${what} (${ids}): make the query name one`,
    );
  }
  const instance = instances[0] as Instance;
  const address =
    kind === 'public-ip'
      ? instance.PublicIpAddress
      : kind === 'public-dns'
        ? instance.PublicDnsName
        : instance.PrivateIpAddress;
  if (!address) {
    throw new Error(
      `EC2 ${instance.InstanceId} (${what}) has no ${kind} address: choose another address kind`,
    );
  }
  return {
    instanceId: instance.InstanceId ?? '',
    address,
    securityGroupIds: (instance.SecurityGroups ?? []).map((group) => group.GroupId ?? '').filter(Boolean),
  };
}
