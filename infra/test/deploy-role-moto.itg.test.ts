import { join } from 'node:path';
import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  PutImageCommand,
  StartImageScanCommand,
} from '@aws-sdk/client-ecr';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createAwsClientFactory } from '../../actions/lib/src/aws.js';
import { EcrRegistry } from '../../actions/lib/src/ecr/ecr-registry.js';
import { readEcrScanFindings } from '../../actions/lib/src/ecr/scan-findings.js';
import { findEc2Host } from '../../actions/lib/src/ssh/ec2-host.js';
import { createEc2Client } from '../../actions/lib/src/ssh/ec2-sdk.js';
import { openTemporaryIngress, revokeTemporaryIngress } from '../../actions/lib/src/ssh/ingress.js';
import { actionsOnly, type PolicyDocument, renderDeployPolicy } from '../../test/aws/deploy-policy.js';
import { AwsFaultProxy } from '../../test/aws/fault-proxy.js';
import { createUserWithPolicy } from '../../test/aws/moto-iam.js';
import { MOTO_ACCOUNT_ID } from '../../test/aws/moto-server.js';
import { MOTO_REGION, useMoto } from '../../test/aws/use-moto.js';
import { awsCallsOfActions } from './policy/action-aws-calls.js';
import { infraDir } from './support/paths.js';

// The deploy role's policy evaluated by an IAM engine rather than read as text: rendered from infra/,
// loaded into moto as an IAM user's policy, IAM enforcement on, and the actions' own AWS calls made with
// that user's keys (signed, checked, evaluated). What moto's evaluation covers and what it does not is
// stated where it matters: moto asks IAM about the resource "*" for every ECR and EC2 call, so it checks
// actions and signatures, not resource ARNs; the ARN scoping stays checked by deploy-role.test.ts.
const moto = useMoto();
const repository = 'k8s-ship/metrics-api';
let recorder: AwsFaultProxy;
let admin: Record<string, string | undefined>;
let policy: PolicyDocument;
let keys: { exact: Keys; actions: Keys };
let clusterGroup: string;
let otherGroup: string;
let imageDigest: string;

type Keys = { accessKeyId: string; secretAccessKey: string };

/** Makes the default credential chain (what the actions use) find these keys. */
function useKeys(credentials: Keys): void {
  process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
}

const ecr = () => createAwsClientFactory(MOTO_REGION).create(ECRClient);

beforeAll(async () => {
  admin = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  // Everything the cluster has before a deploy, made while enforcement is off: the repository (Terraform's)
  // with an image, the cluster's security group and another one, the control-plane node.
  const setup = ecr();
  const created = await setup.send(
    new CreateRepositoryCommand({ repositoryName: repository, imageTagMutability: 'IMMUTABLE' }),
  );
  const image = await setup.send(
    new PutImageCommand({
      repositoryName: repository,
      imageTag: 'v1',
      imageManifest: JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: `sha256:${'c'.repeat(64)}`,
          size: 1,
        },
        layers: [
          {
            mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
            digest: `sha256:${'d'.repeat(64)}`,
            size: 1,
          },
        ],
      }),
    }),
  );
  imageDigest = image.image?.imageId?.imageDigest as string;
  // Scan on push, as the repository Terraform makes would start it.
  await setup.send(new StartImageScanCommand({ repositoryName: repository, imageId: { imageDigest } }));
  const ec2 = await createEc2Client(MOTO_REGION);
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '127.0.0.0/16' }))).Vpc?.VpcId as string;
  const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '127.0.0.0/24' })))
    .Subnet?.SubnetId as string;
  const group = (name: string) =>
    ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpcId }));
  clusterGroup = (await group('cluster')).GroupId as string;
  otherGroup = (await group('other')).GroupId as string;
  const imageId = (await ec2.send(new DescribeImagesCommand({ MaxResults: 5 }))).Images?.[0]?.ImageId;
  await ec2.send(
    new RunInstancesCommand({
      ImageId: imageId,
      MinCount: 1,
      MaxCount: 1,
      SubnetId: subnetId,
      SecurityGroupIds: [clusterGroup],
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'control-plane' }] }],
    }),
  );

  policy = await renderDeployPolicy({
    ecr_repository_arn: created.repository?.repositoryArn as string,
    security_group_arn: `arn:aws:ec2:${MOTO_REGION}:${MOTO_ACCOUNT_ID}:security-group/${clusterGroup}`,
  });
  keys = {
    exact: await createUserWithPolicy(moto.url, 'deploy-exact', policy),
    actions: await createUserWithPolicy(moto.url, 'deploy', actionsOnly(policy)),
  };
  // Every call from here on goes through the recorder, which names each AWS action it passes on.
  recorder = await AwsFaultProxy.start(moto.url);
  process.env.AWS_ENDPOINT_URL = recorder.url;
  await moto.server.enforceIam(0);
});

afterEach(() => recorder?.reset());

afterAll(async () => {
  await moto.server.enforceIam(Number.POSITIVE_INFINITY);
  process.env.AWS_ENDPOINT_URL = moto.url;
  process.env.AWS_ACCESS_KEY_ID = admin.id;
  process.env.AWS_SECRET_ACCESS_KEY = admin.secret;
  await recorder?.close();
});

describe('the deploy policy rendered from infra/', () => {
  test('has its four statements, scoped to the repository and the cluster group ARNs', () => {
    expect(policy.Statement.map((statement) => [statement.Sid, statement.Resource])).toEqual([
      ['EcrLogin', '*'],
      ['EcrPushToThisRepository', `arn:aws:ecr:${MOTO_REGION}:${MOTO_ACCOUNT_ID}:repository/${repository}`],
      ['FindClusterNodes', '*'],
      [
        'RunnerSshOnClusterSecurityGroup',
        `arn:aws:ec2:${MOTO_REGION}:${MOTO_ACCOUNT_ID}:security-group/${clusterGroup}`,
      ],
    ]);
  });
});

describe('the actions as the deploy user, IAM enforced by moto (actions checked, resources widened to *)', () => {
  test("every AWS call in the actions' sources is made here and allowed", async () => {
    useKeys(keys.actions);
    const registry = new EcrRegistry(ecr());
    expect((await registry.login()).username).toBe('AWS');
    expect(await registry.ensureRepository(repository)).toBe(false);
    expect(await registry.tagMutability(repository)).toEqual({ immutable: true, exclusions: [] });
    expect((await registry.existingImage(repository, 'v1'))?.manifestDigest).toBe(imageDigest);
    await readEcrScanFindings(ecr(), repository, imageDigest, { maxWaitSeconds: 10, minDelaySeconds: 1 });
    const ec2 = await createEc2Client(MOTO_REGION);
    const node = await findEc2Host(ec2, { tag: { key: 'Name', value: 'control-plane' } }, 'private-ip');
    const opened = await openTemporaryIngress(
      ec2,
      { groupId: node.securityGroupIds[0] as string, port: 22, cidr: '198.51.100.7/32' },
      'k8s-ship',
    );
    expect(await revokeTemporaryIngress(ec2, opened.rule)).toBe('revoked');

    // A call the actions start making must be added here, and so evaluated against the policy.
    // CreateRepository is the one the policy withholds on purpose (the next test).
    const inSources = new Set(
      awsCallsOfActions(join(infraDir, '..', 'actions'))
        .map((call) => call.action.split(':')[1] as string)
        .filter((action) => action !== 'CreateRepository'),
    );
    const made = new Set(recorder.counters.requests);
    expect([...inSources].filter((action) => !made.has(action))).toEqual([]);
  });

  test('a missing repository is not created: CreateRepository is AccessDenied (Terraform owns it)', async () => {
    useKeys(keys.actions);
    // ECR answers AccessDeniedException in JSON; moto answers HTTP 403 with an XML AccessDenied body that
    // the ECR client cannot parse, so the error names the status; the recorder saw the code.
    await expect(new EcrRegistry(ecr()).ensureRepository('k8s-ship/copy')).rejects.toThrow(
      /^ECR CreateRepository failed after 1 attempt \(HTTP 403/,
    );
    expect(recorder.counters.answers).toEqual([
      'DescribeRepositories 400 RepositoryNotFoundException',
      'CreateRepository 403 AccessDenied',
    ]);
  });

  test('ecr:DeleteRepository is AccessDenied and the repository stays', async () => {
    useKeys(keys.actions);
    await expect(ecr().send(new DeleteRepositoryCommand({ repositoryName: repository }))).rejects.toThrow(
      /^ECR DeleteRepository failed after 1 attempt \(HTTP 403/,
    );
    expect(recorder.counters.answers).toEqual(['DeleteRepository 403 AccessDenied']);
    const left = await ecr().send(new DescribeRepositoriesCommand({ repositoryNames: [repository] }));
    expect(left.repositories?.[0]?.repositoryName).toBe(repository);
  });
});

describe('what moto does not evaluate: resource ARNs (the exact policy)', () => {
  test('unscoped calls pass; ingress on another group is AccessDenied, but so is the cluster group', async () => {
    useKeys(keys.exact);
    const ec2 = await createEc2Client(MOTO_REGION);
    await expect(new EcrRegistry(ecr()).login()).resolves.toMatchObject({ username: 'AWS' });
    await expect(
      findEc2Host(ec2, { tag: { key: 'Name', value: 'control-plane' } }, 'private-ip'),
    ).resolves.toMatchObject({ securityGroupIds: [clusterGroup] });
    const rule = (groupId: string) => ({ groupId, port: 22, cidr: '198.51.100.7/32' });
    await expect(openTemporaryIngress(ec2, rule(otherGroup), 'k8s-ship')).rejects.toMatchObject({
      message: expect.stringMatching(
        /^EC2 AuthorizeSecurityGroupIngress failed after 1 attempt \(HTTP 403 AccessDenied\)/,
      ),
    });
    // AWS allows this one (the statement names this group's ARN); moto asks about "*" and denies it. So a
    // denial on another group proves nothing here: deploy-role.test.ts checks the ARN scoping by reading it.
    await expect(openTemporaryIngress(ec2, rule(clusterGroup), 'k8s-ship')).rejects.toThrow(
      /AuthorizeSecurityGroupIngress failed/,
    );
    await expect(new EcrRegistry(ecr()).tagMutability(repository)).rejects.toThrow(
      /^ECR DescribeRepositories failed after 1 attempt \(HTTP 403/,
    );
  });
});
