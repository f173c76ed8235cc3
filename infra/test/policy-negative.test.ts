import { describe, expect, test } from 'vitest';
import { checkTfvarsCidrs, guardedCidrVariablesRule } from './policy/access-rules.js';
import {
  encryptedVolumesRule,
  imdsV2Rule,
  nodeIdentityRule,
  nodesKeptOnChangeRule,
  ubuntuImageRule,
} from './policy/compute-rules.js';
import { moduleFromSources } from './policy/hcl.js';
import { defaultTagsRule, remoteStateRule, variablesRule, versionsRule } from './policy/hygiene-rules.js';
import { githubOidcTrustRule, leastPrivilegeRule, noStaticCredentialsRule } from './policy/iam-rules.js';
import { explicitEgressRule, securityGroupIngressRule } from './policy/network-rules.js';
import type { PolicyRule } from './policy/rule.js';
import { ecrRepositoryRule, s3BucketRule } from './policy/storage-rules.js';

async function violationsOf(rule: PolicyRule, snippet: string): Promise<string[]> {
  const module = await moduleFromSources('snippet', { 'main.tf': snippet });
  return rule.check(module).violations.map((violation) => violation.message);
}

const sshRule = (cidr: string, extra = '') => `
resource "aws_vpc_security_group_ingress_rule" "ssh" {
  security_group_id = aws_security_group.nodes.id
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = ${cidr}
  ${extra}
}`;

interface NegativeCase {
  name: string;
  rule: PolicyRule;
  bad: string;
  expected: RegExp;
  /** The same construct done right, to show the rule rejects the flaw and not the construct. */
  good?: string;
}

const cases: NegativeCase[] = [
  {
    name: 'SSH open to 0.0.0.0/0',
    rule: securityGroupIngressRule,
    bad: sshRule('"0.0.0.0/0"'),
    expected: /open to the whole internet/,
    good: `
resource "aws_vpc_security_group_ingress_rule" "ssh" {
  for_each          = toset(var.allowed_ssh_cidrs)
  security_group_id = aws_security_group.nodes.id
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = each.value
}`,
  },
  {
    name: 'SSH from a fixed office range instead of the guarded variable',
    rule: securityGroupIngressRule,
    bad: sshRule('"203.0.113.0/24"'),
    expected: /SSH \(22\) must come only from var.allowed_ssh_cidrs/,
  },
  {
    name: 'API server open to ::/0 through the legacy rule resource',
    rule: securityGroupIngressRule,
    bad: `
resource "aws_security_group_rule" "api" {
  type              = "ingress"
  security_group_id = aws_security_group.nodes.id
  protocol          = "tcp"
  from_port         = 6443
  to_port           = 6443
  ipv6_cidr_blocks  = ["::/0"]
}`,
    expected: /6443.*admin_cidrs|open to the whole internet/,
  },
  {
    name: 'all traffic from the world through an inline ingress block',
    rule: securityGroupIngressRule,
    bad: `
resource "aws_security_group" "nodes" {
  vpc_id = var.vpc_id
  ingress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}`,
    expected: /ports 0-65535 are open to the whole internet/,
  },
  {
    name: 'kubelet reachable from an arbitrary range',
    rule: securityGroupIngressRule,
    bad: `
resource "aws_vpc_security_group_ingress_rule" "kubelet" {
  security_group_id = aws_security_group.nodes.id
  ip_protocol       = "tcp"
  from_port         = 10250
  to_port           = 10250
  cidr_ipv4         = "198.51.100.0/24"
}`,
    expected: /cluster-internal ports 10250-10250/,
    good: `
resource "aws_vpc_security_group_ingress_rule" "kubelet" {
  security_group_id            = aws_security_group.nodes.id
  ip_protocol                  = "tcp"
  from_port                    = 10250
  to_port                      = 10250
  referenced_security_group_id = aws_security_group.nodes.id
}`,
  },
  {
    name: 'security group relying on implicit egress',
    rule: explicitEgressRule,
    bad: `
resource "aws_security_group" "nodes" {
  vpc_id = var.vpc_id
}`,
    expected: /declare its egress explicitly/,
    good: `
resource "aws_security_group" "nodes" {
  vpc_id = var.vpc_id
}
resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.nodes.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}`,
  },
  {
    name: 'allowed_ssh_cidrs with a world-open default',
    rule: guardedCidrVariablesRule,
    bad: `
variable "allowed_ssh_cidrs" {
  description = "Who may SSH."
  type        = list(string)
  default     = ["0.0.0.0/0"]
}`,
    expected: /must have no default/,
  },
  {
    name: 'admin_cidrs validated against 0.0.0.0/0 but not ::/0',
    rule: guardedCidrVariablesRule,
    bad: `
variable "admin_cidrs" {
  description = "Who may reach the API server."
  type        = list(string)
  validation {
    condition     = !contains(var.admin_cidrs, "0.0.0.0/0")
    error_message = "admin_cidrs must not be open."
  }
}`,
    expected: /rejects both 0.0.0.0\/0 and ::\/0/,
  },
  {
    name: 'instance without IMDSv2',
    rule: imdsV2Rule,
    bad: `
resource "aws_instance" "node" {
  ami = data.aws_ami.ubuntu.id
  metadata_options {
    http_tokens                 = "optional"
    http_put_response_hop_limit = 1
  }
}`,
    expected: /http_tokens must be "required"/,
  },
  {
    name: 'launch template without metadata options',
    rule: imdsV2Rule,
    bad: 'resource "aws_launch_template" "nodes" {\n  image_id = data.aws_ami.ubuntu.id\n}\n',
    expected: /needs metadata_options/,
  },
  {
    name: 'unencrypted gp2 root volume',
    rule: encryptedVolumesRule,
    bad: `
resource "aws_instance" "node" {
  root_block_device {
    volume_type = "gp2"
    encrypted   = false
  }
}`,
    expected: /encrypted = true|must be gp3/,
  },
  {
    name: 'unencrypted extra EBS volume',
    rule: encryptedVolumesRule,
    bad: 'resource "aws_ebs_volume" "data" {\n  size = 10\n}\n',
    expected: /EBS volume must set encrypted = true/,
  },
  {
    name: 'AMI from any publisher and a hard-coded image ID',
    rule: ubuntuImageRule,
    bad: `
data "aws_ami" "ubuntu" {
  most_recent = true
  owners      = ["aws-marketplace"]
  filter {
    name   = "name"
    values = ["ubuntu/images/*"]
  }
}
resource "aws_instance" "node" {
  ami = "ami-0123456789abcdef0"
}`,
    expected: /Canonical|must come from the aws_ami data source/,
  },
  {
    name: "nodes replaced by a rotated operators' key (key_name not ignored)",
    rule: nodesKeptOnChangeRule,
    bad: `
resource "aws_instance" "worker" {
  ami       = data.aws_ami.ubuntu.id
  key_name  = aws_key_pair.operators.key_name
  user_data = templatefile("user-data.yaml.tftpl", {})
  lifecycle {
    ignore_changes = [ami, user_data]
  }
}`,
    expected: /a change of key_name would replace the node; list it in lifecycle.ignore_changes/,
    good: `
resource "aws_instance" "worker" {
  ami       = data.aws_ami.ubuntu.id
  key_name  = aws_key_pair.operators.key_name
  user_data = templatefile("user-data.yaml.tftpl", {})
  lifecycle {
    ignore_changes = [ami, user_data, key_name]
  }
}`,
  },
  {
    name: 'a node without any lifecycle, replaced by the next Ubuntu image',
    rule: nodesKeptOnChangeRule,
    bad: `
resource "aws_instance" "worker" {
  ami = data.aws_ami.ubuntu.id
}`,
    expected: /a change of ami would replace the node/,
  },
  {
    name: 'control plane without an Elastic IP or SSM',
    rule: nodeIdentityRule,
    bad: `
resource "aws_iam_role_policy_attachment" "ecr" {
  role       = aws_iam_role.node.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"
}
resource "aws_instance" "control_plane" {
  ami                  = data.aws_ami.ubuntu.id
  iam_instance_profile = aws_iam_instance_profile.node.name
}`,
    expected: /AmazonSSMManagedInstanceCore|needs an Elastic IP/,
  },
  {
    name: 'mutable, unscanned ECR repository without lifecycle',
    rule: ecrRepositoryRule,
    bad: `
resource "aws_ecr_repository" "app" {
  name                 = "app"
  image_tag_mutability = "MUTABLE"
}`,
    expected: /IMMUTABLE|scan_on_push|encryption_configuration|lifecycle/,
  },
  {
    name: 'state bucket without versioning, encryption, public access block or TLS policy',
    rule: s3BucketRule,
    bad: 'resource "aws_s3_bucket" "state" {\n  bucket = "state"\n}\n',
    expected: /versioning|encryption|public access block|SecureTransport/,
  },
  {
    name: 'OIDC trust without a subject condition',
    rule: githubOidcTrustRule,
    bad: `
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.github.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}`,
    expected: /without it any repository can assume the role/,
    good: `
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.github.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:example-org/k8s-ship:environment:prod"]
    }
  }
}`,
  },
  {
    name: 'OIDC trust with a wildcard repository and StringLike audience',
    rule: githubOidcTrustRule,
    bad: `
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    condition {
      test     = "StringLike"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringLike"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:example-org/*:*"]
    }
  }
}`,
    expected:
      /StringEquals condition on token.actions.githubusercontent.com:aud|must not wildcard the repository/,
  },
  {
    name: 'OIDC subject with a wildcard under StringEquals',
    rule: githubOidcTrustRule,
    bad: `
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:example-org/k8s-ship:ref:refs/heads/release/*"]
    }
  }
}`,
    expected: /StringEquals never matches: use StringLike/,
  },
  {
    name: 'role whose trust policy cannot be checked',
    rule: githubOidcTrustRule,
    bad: `
resource "aws_iam_role" "deploy" {
  assume_role_policy = jsonencode({ Statement = [] })
}`,
    expected: /must come from an aws_iam_policy_document/,
  },
  {
    name: 'wildcard ECR actions on every resource',
    rule: leastPrivilegeRule,
    bad: `
data "aws_iam_policy_document" "deploy" {
  statement {
    actions   = ["ecr:*"]
    resources = ["*"]
  }
}`,
    expected: /wildcard action "ecr:\*"/,
  },
  {
    name: 'security group ingress allowed on every group',
    rule: leastPrivilegeRule,
    bad: `
data "aws_iam_policy_document" "deploy" {
  statement {
    actions   = ["ec2:AuthorizeSecurityGroupIngress", "ec2:DescribeInstances"]
    resources = ["*"]
  }
}`,
    expected: /grants ec2:AuthorizeSecurityGroupIngress on "\*"/,
    good: `
data "aws_iam_policy_document" "deploy" {
  statement {
    actions   = ["ec2:AuthorizeSecurityGroupIngress"]
    resources = [var.security_group_arn]
  }
}`,
  },
  {
    name: 'IAM user with an access key and a provider with keys',
    rule: noStaticCredentialsRule,
    bad: `
provider "aws" {
  access_key = var.aws_access_key
}
resource "aws_iam_user" "ci" {
  name = "ci"
}
resource "aws_iam_access_key" "ci" {
  user = aws_iam_user.ci.name
}`,
    expected: /long-lived credentials|must not set access_key/,
  },
  {
    name: 'untyped, undescribed variable',
    rule: variablesRule,
    bad: 'variable "worker_count" {\n  default = 2\n}\n',
    expected: /needs a type|needs a description|needs a validation block/,
  },
  {
    name: 'validation message that does not name the variable',
    rule: variablesRule,
    bad: `
variable "environment" {
  description = "Deployment environment."
  type        = string
  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "Invalid value."
  }
}`,
    expected: /must name the variable/,
  },
  {
    name: 'unbounded Terraform and provider versions',
    rule: versionsRule,
    bad: `
terraform {
  required_version = ">= 1.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}
resource "aws_vpc" "this" {
  cidr_block = "10.0.0.0/16"
}`,
    expected: /lower and an upper bound|bound the aws provider on both sides/,
  },
  {
    name: 'root module with a floating provider version',
    rule: versionsRule,
    bad: `
terraform {
  required_version = ">= 1.11.0, < 2.0.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }
}
provider "aws" {
  region = "eu-central-1"
}`,
    expected: /pin the aws provider to one exact version/,
  },
  {
    name: 'provider without default cost tags',
    rule: defaultTagsRule,
    bad: 'provider "aws" {\n  region = var.region\n}\n',
    expected: /default_tags/,
  },
  {
    name: 'root module on a DynamoDB-locked backend without encryption',
    rule: remoteStateRule,
    bad: `
terraform {
  backend "s3" {
    bucket         = "state"
    dynamodb_table = "locks"
  }
}
provider "aws" {
  region = var.region
}`,
    expected: /use_lockfile|encrypt|DynamoDB|keep bucket out/,
  },
  {
    name: 'root module with local state that is not the bootstrap',
    rule: remoteStateRule,
    bad: 'terraform {\n  required_version = ">= 1.11.0, < 2.0.0"\n}\nprovider "aws" {\n  region = var.region\n}\n',
    expected: /needs an S3 backend/,
  },
];

describe.each(cases)('policy rejects: $name', ({ rule, bad, expected, good }) => {
  test(`${rule.name} reports it`, async () => {
    const messages = await violationsOf(rule, bad);
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.join('\n')).toMatch(expected);
  });

  if (good !== undefined) {
    test(`${rule.name} accepts the same construct done right`, async () => {
      expect(await violationsOf(rule, good)).toEqual([]);
    });
  }
});

test('tfvars that open SSH or the API server to the world are rejected', () => {
  expect(
    checkTfvarsCidrs('bad.tfvars', { allowed_ssh_cidrs: ['203.0.113.0/24'], admin_cidrs: ['0.0.0.0/0'] }),
  ).toEqual(['bad.tfvars: admin_cidrs contains "0.0.0.0/0", which opens it to the whole internet']);
  expect(checkTfvarsCidrs('bad.tfvars', { admin_cidrs: [] })).toEqual([
    'bad.tfvars: allowed_ssh_cidrs must be set to a list of CIDRs',
  ]);
  expect(checkTfvarsCidrs('bad.tfvars', { allowed_ssh_cidrs: ['::/0'], admin_cidrs: [] })).toHaveLength(1);
});

test('a snippet that is not HCL fails with the file name', async () => {
  await expect(moduleFromSources('snippet', { 'broken.tf': 'resource "x" {' })).rejects.toThrow(/broken\.tf/);
});
