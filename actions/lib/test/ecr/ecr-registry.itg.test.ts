import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  PutImageCommand,
} from '@aws-sdk/client-ecr';
import { parse } from '@cdktf/hcl2json';
import { beforeEach, describe, expect, test } from 'vitest';
import { repoRoot } from '../../../../runner/src/paths.js';
import { MOTO_ACCOUNT_ID } from '../../../../test/aws/moto-server.js';
import { MOTO_REGION, useMoto } from '../../../../test/aws/use-moto.js';
import { createAwsClientFactory } from '../../src/aws.js';
import { EcrError, EcrRegistry } from '../../src/ecr/ecr-registry.js';

// EcrRegistry over the wire: the real SDK client from the actions' own factory, signed requests, moto's
// answers and error bodies. The endpoint, region and credentials come from the environment (useMoto).
const moto = useMoto();
const client = () => createAwsClientFactory(MOTO_REGION).create(ECRClient);

beforeEach(() => moto.server.reset());

async function describeRepository(name: string) {
  const answer = await client().send(new DescribeRepositoriesCommand({ repositoryNames: [name] }));
  return answer.repositories?.[0];
}

/**
 * Puts an image manifest under a tag, as a push would end, and returns the digest ECR gives it. moto does
 * not hash the manifest bytes as ECR does but the layer digests, so each image here has a layer of its own
 * and the digest is read back rather than computed.
 */
async function putManifest(repository: string, tag: string, configDigest: string): Promise<string> {
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: 100 },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: configDigest, size: 10 }],
  });
  const answer = await client().send(
    new PutImageCommand({ repositoryName: repository, imageTag: tag, imageManifest: manifest }),
  );
  return answer.image?.imageId?.imageDigest ?? '';
}

describe('EcrRegistry against moto', () => {
  test('login decodes the authorization token into the registry host, user and password', async () => {
    const login = await new EcrRegistry(client()).login();
    expect(login).toEqual({
      registry: `${MOTO_ACCOUNT_ID}.dkr.ecr.${MOTO_REGION}.amazonaws.com`,
      username: 'AWS',
      password: `${MOTO_ACCOUNT_ID}-auth-token`,
    });
    const other = await new EcrRegistry(client()).login('210987654321');
    expect(other.registry).toBe(`210987654321.dkr.ecr.${MOTO_REGION}.amazonaws.com`);
  });

  test("a missing repository is created with infra's ECR module settings: immutable tags, scan on push", async () => {
    const hcl = await parse(
      'main.tf',
      readFileSync(join(repoRoot, 'infra', 'modules', 'ecr', 'main.tf'), 'utf8'),
    );
    const infra = (hcl as { resource: { aws_ecr_repository: { this: Record<string, unknown>[] } } }).resource
      .aws_ecr_repository.this[0] as {
      image_tag_mutability: string;
      image_scanning_configuration: { scan_on_push: boolean }[];
      encryption_configuration: { encryption_type: string }[];
    };

    expect(await new EcrRegistry(client()).ensureRepository('shop/api')).toBe(true);
    const created = await describeRepository('shop/api');
    expect(created?.imageTagMutability).toBe(infra.image_tag_mutability);
    expect(created?.imageScanningConfiguration?.scanOnPush).toBe(
      infra.image_scanning_configuration[0]?.scan_on_push,
    );
    expect(created?.encryptionConfiguration?.encryptionType).toBe(
      infra.encryption_configuration[0]?.encryption_type,
    );
    expect(created?.repositoryUri).toBe(`${MOTO_ACCOUNT_ID}.dkr.ecr.${MOTO_REGION}.amazonaws.com/shop/api`);
  });

  test('a KMS key given is the encryption of the repository created', async () => {
    const key = `arn:aws:kms:${MOTO_REGION}:${MOTO_ACCOUNT_ID}:alias/ecr`;
    await new EcrRegistry(client()).ensureRepository('shop/kms', { kmsKey: key });
    expect((await describeRepository('shop/kms'))?.encryptionConfiguration).toEqual({
      encryptionType: 'KMS',
      kmsKey: key,
    });
  });

  test('an existing repository is reused as it is, even a mutable one', async () => {
    const registry = new EcrRegistry(client());
    await client().send(
      new CreateRepositoryCommand({
        repositoryName: 'shop/mutable',
        imageTagMutability: 'MUTABLE',
      }),
    );
    expect(await registry.ensureRepository('shop/mutable')).toBe(false);
    expect((await describeRepository('shop/mutable'))?.imageTagMutability).toBe('MUTABLE');
    expect(await registry.tagMutability('shop/mutable')).toEqual({ immutable: false, exclusions: [] });
  });

  test('tag mutability of a missing repository is a clear error, not the SDK exception', async () => {
    await expect(new EcrRegistry(client()).tagMutability('shop/missing')).rejects.toThrow(
      new EcrError(
        `The ECR repository shop/missing does not exist in registry ${MOTO_ACCOUNT_ID} (${MOTO_REGION}): ` +
          "create it (infra/modules/ecr) or set 'create-repository: true'",
      ),
    );
  });

  test('existingImage reads the manifest and config digests a tag holds, and nothing for a new tag', async () => {
    const registry = new EcrRegistry(client());
    await registry.ensureRepository('shop/api');
    const config = `sha256:${'a'.repeat(64)}`;
    const manifestDigest = await putManifest('shop/api', 'v1', config);
    expect(await registry.existingImage('shop/api', 'v1')).toEqual({ manifestDigest, configDigest: config });
    expect(await registry.existingImage('shop/api', 'v2')).toBeUndefined();
  });

  test('the immutable repository refuses to move a tag: what the tag-conflict check exists for', async () => {
    const registry = new EcrRegistry(client());
    await registry.ensureRepository('shop/api');
    const first = await putManifest('shop/api', 'v1', `sha256:${'a'.repeat(64)}`);
    expect(first).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The same image again changes nothing (ECR says ImageAlreadyExists); another image under the tag is refused.
    await expect(putManifest('shop/api', 'v1', `sha256:${'a'.repeat(64)}`)).rejects.toMatchObject({
      name: 'ImageAlreadyExistsException',
    });
    // ECR answers ImageTagAlreadyExistsException here; moto 5.2.5 answers ImageAlreadyExistsException.
    // The action never relies on either: it reads the tag first (existingImage) and refuses before pushing.
    await expect(putManifest('shop/api', 'v1', `sha256:${'b'.repeat(64)}`)).rejects.toThrow(
      /tag 'v1' already exists/,
    );
    expect((await registry.existingImage('shop/api', 'v1'))?.manifestDigest).toBe(first);
    expect(await registry.tagMutability('shop/api')).toEqual({ immutable: true, exclusions: [] });
  });
});
