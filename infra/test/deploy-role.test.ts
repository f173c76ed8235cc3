import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  type AwsCall,
  awsCallsInSource,
  awsCallsOfActions,
  lazyAwsLoaders,
  REGISTRY_CLIENT_CALLS,
} from './policy/action-aws-calls.js';
import { deployGrantProblems, type Grant, policyGrants } from './policy/deploy-role-grants.js';
import { expression, loadModules, moduleFromSources, type TfModule } from './policy/hcl.js';
import { infraDir } from './support/paths.js';

const actionsDir = join(infraDir, '..', 'actions');

let githubOidc: TfModule;
let calls: AwsCall[];

beforeAll(async () => {
  const [module] = await loadModules(join(infraDir, 'modules', 'github-oidc'));
  githubOidc = module!;
  calls = [...awsCallsOfActions(actionsDir), ...REGISTRY_CLIENT_CALLS];
});

describe("the deploy role allows exactly what the actions' sources call", () => {
  test('the scan of the actions finds the calls known to be there', () => {
    const actions = new Set(calls.map((call) => call.action));
    expect([...actions].sort()).toEqual(
      expect.arrayContaining([
        'ecr:GetAuthorizationToken',
        'ecr:DescribeRepositories',
        'ecr:CreateRepository',
        'ecr:BatchGetImage',
        'ecr:DescribeImageScanFindings',
        'ec2:DescribeInstances',
        'ec2:AuthorizeSecurityGroupIngress',
        'ec2:RevokeSecurityGroupIngress',
      ]),
    );
    const sources = calls.filter((call) => call.action === 'ecr:DescribeRepositories').map((c) => c.where);
    expect(sources).toContain(join('actions', 'lib', 'src', 'ecr', 'ecr-registry.ts'));
  });

  test('every call is granted on its one resource, and nothing else is granted', () => {
    expect(deployGrantProblems(policyGrants(githubOidc, 'deploy'), calls)).toEqual([]);
  });

  test('CreateRepository stays withheld: Terraform owns the repository', () => {
    const granted = policyGrants(githubOidc, 'deploy').map((grant) => grant.action);
    expect(granted).toContain('ecr:DescribeRepositories');
    expect(granted).not.toContain('ecr:CreateRepository');
  });
});

describe('the check fails on the flaws it exists for', () => {
  const grant = (action: string, resource: string): Grant => ({
    action,
    resources: [resource],
    where: 'snippet',
  });
  const repository = expression('var.ecr_repository_arn');
  const sent = (...actions: string[]): AwsCall[] => actions.map((action) => ({ action, where: 'src.ts' }));

  test.each([
    [
      'a call the policy does not grant',
      [grant('ecr:GetAuthorizationToken', '*')],
      sent('ecr:GetAuthorizationToken', 'ecr:DescribeRepositories'),
      /ecr:DescribeRepositories \(sent by src.ts\) is not granted/,
    ],
    [
      'a repository action granted on every repository',
      [grant('ecr:PutImage', '*')],
      sent('ecr:PutImage'),
      /ecr:PutImage is granted on \["\*"\].*expected only "\$\{var.ecr_repository_arn\}"/,
    ],
    [
      'a grant that no action uses',
      [grant('ecr:PutImage', repository), grant('ecr:DeleteRepository', repository)],
      sent('ecr:PutImage'),
      /ecr:DeleteRepository is granted in snippet but no action sends it/,
    ],
    [
      'the withheld CreateRepository granted anyway',
      [grant('ecr:CreateRepository', repository)],
      sent('ecr:CreateRepository'),
      /ecr:CreateRepository must not be granted: Terraform owns the repository/,
    ],
    [
      'a call of a service with no known scope',
      [grant('s3:GetObject', '*')],
      sent('s3:GetObject'),
      /s3:GetObject \(sent by src.ts\) has no known resource/,
    ],
  ])('rejects %s', (_what, grants, actionCalls, expected) => {
    const problems = deployGrantProblems(grants, actionCalls);
    expect(problems.join('\n')).toMatch(expected);
  });

  test('a policy document without DescribeRepositories (the old one) fails against the real calls', async () => {
    const module = await moduleFromSources('snippet', {
      'main.tf': `
data "aws_iam_policy_document" "deploy" {
  statement {
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }
  statement {
    actions   = ["ecr:PutImage", "ecr:BatchGetImage", "ecr:DescribeImages"]
    resources = [var.ecr_repository_arn]
  }
}`,
    });
    const problems = deployGrantProblems(policyGrants(module, 'deploy'), calls).join('\n');
    expect(problems).toMatch(/ecr:DescribeRepositories \(sent by .*ecr-registry.ts\) is not granted/);
    expect(problems).toMatch(/ecr:DescribeImages is granted .* but no action sends it/);
  });

  test('the source scan reads commands, waiters and their client, and ignores type-only names', () => {
    const source = `
import { type ECRClient, DescribeRepositoriesCommand, waitUntilImageScanComplete } from '@aws-sdk/client-ecr';
import { DescribeInstancesCommand, type Instance } from '@aws-sdk/client-ec2';
await client.send(new DescribeRepositoriesCommand({}));
await waitUntilImageScanComplete({ client }, input);
await ec2.send(new DescribeInstancesCommand({}));`;
    expect(awsCallsInSource('x.ts', source).map((call) => call.action)).toEqual([
      'ecr:DescribeRepositories',
      'ecr:DescribeImageScanFindings',
      'ec2:DescribeInstances',
    ]);
  });

  test('the source scan follows a client loaded on first use to the commands taken from it', () => {
    const loaders = lazyAwsLoaders(["export const loadEc2Sdk = () => import('@aws-sdk/client-ec2');"]);
    const source = `
import type { EC2Client } from '@aws-sdk/client-ec2';
const { DescribeInstancesCommand } = await loadEc2Sdk();
await ec2.send(new DescribeInstancesCommand({}));`;
    expect(awsCallsInSource('x.ts', source, loaders).map((call) => call.action)).toEqual([
      'ec2:DescribeInstances',
    ]);
    expect(awsCallsInSource('x.ts', source)).toEqual([]);
  });

  test('the source scan refuses a client or waiter it cannot map, rather than skipping it', () => {
    expect(() =>
      awsCallsInSource(
        'x.ts',
        "import { GetObjectCommand } from '@aws-sdk/client-s3';\nnew GetObjectCommand({});",
      ),
    ).toThrow(/x.ts calls @aws-sdk\/client-s3/);
    expect(() =>
      awsCallsInSource(
        'x.ts',
        "import { waitUntilImageExists } from '@aws-sdk/client-ecr';\nawait waitUntilImageExists(p, i);",
      ),
    ).toThrow(/waiter waitUntilImageExists/);
  });
});
