import type { EC2Client, IpPermission } from '@aws-sdk/client-ec2';
import { loadEc2Sdk } from './ec2-sdk.js';

/** One ingress rule this run added: everything the post step needs to remove exactly it. */
export interface TemporaryIngressRule {
  groupId: string;
  port: number;
  /** The runner's address as `a.b.c.d/32`. */
  cidr: string;
  /** The id EC2 gave the rule, when it reported one. */
  ruleId?: string;
}

export type IngressOpened =
  | { rule: TemporaryIngressRule; created: true }
  | { rule: TemporaryIngressRule; created: false };

function permission(rule: TemporaryIngressRule, description?: string): IpPermission {
  return {
    IpProtocol: 'tcp',
    FromPort: rule.port,
    ToPort: rule.port,
    IpRanges: [{ CidrIp: rule.cidr, ...(description && { Description: description }) }],
  };
}

const errorName = (error: unknown): string =>
  (error as { name?: string; Code?: string })?.name ?? (error as { Code?: string })?.Code ?? '';

/**
 * Lets `cidr` reach `port` on the security group. When the very same rule already exists
 * (InvalidPermission.Duplicate) nothing is added and `created` is false: the rule belongs to someone else,
 * and the post step must leave it alone.
 */
export async function openTemporaryIngress(
  ec2: EC2Client,
  rule: Omit<TemporaryIngressRule, 'ruleId'>,
  description: string,
): Promise<IngressOpened> {
  const { AuthorizeSecurityGroupIngressCommand } = await loadEc2Sdk();
  try {
    const answer = await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: rule.groupId,
        IpPermissions: [permission(rule, description)],
      }),
    );
    const ruleId = answer.SecurityGroupRules?.[0]?.SecurityGroupRuleId;
    return { rule: { ...rule, ...(ruleId && { ruleId }) }, created: true };
  } catch (error) {
    if (errorName(error) === 'InvalidPermission.Duplicate') return { rule, created: false };
    throw error;
  }
}

/** Removes the rule; a rule already gone (someone else removed it) is not an error. */
export async function revokeTemporaryIngress(
  ec2: EC2Client,
  rule: TemporaryIngressRule,
): Promise<'revoked' | 'already-gone'> {
  const { RevokeSecurityGroupIngressCommand } = await loadEc2Sdk();
  try {
    const answer = await ec2.send(
      new RevokeSecurityGroupIngressCommand(
        rule.ruleId
          ? { GroupId: rule.groupId, SecurityGroupRuleIds: [rule.ruleId] }
          : { GroupId: rule.groupId, IpPermissions: [permission(rule)] },
      ),
    );
    // EC2 answers success with the permissions it did not know when nothing matched.
    if ((answer.UnknownIpPermissions?.length ?? 0) > 0) return 'already-gone';
    return 'revoked';
  } catch (error) {
    const name = errorName(error);
    if (name === 'InvalidPermission.NotFound' || name === 'InvalidSecurityGroupRuleId.NotFound')
      return 'already-gone';
    throw error;
  }
}
