import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BatchDeleteImageCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  PutImageCommand,
  PutImageTagMutabilityCommand,
} from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type DockerEngine, dockerEnv } from '../../../sandbox/src/docker-engine.js';
import { EcrRegistryFront } from '../../../test/aws/ecr-registry-front.js';
import { AwsFaultProxy } from '../../../test/aws/fault-proxy.js';
import { MOTO_ACCOUNT_ID } from '../../../test/aws/moto-server.js';
import { MOTO_REGION, useMoto } from '../../../test/aws/use-moto.js';
import { createAwsClientFactory, ProcessCommandRunner } from '../../lib/src/index.js';
import { cleanup } from '../src/logout.js';
import { defaultDeps, run } from '../src/main.js';
import { type InProcessStep, inputEnv, runInProcess } from './in-process.js';
import { type BasicRegistry, deleteManifest, readManifest } from './registry-api.js';
import { buildPushSandbox } from './sandbox-parts.js';

// build-push with `registry: ecr` and its real ECR client against moto. moto has ECR's API but no
// registry, so the registry host its token names (https://123456789012.dkr.ecr.eu-central-1.amazonaws.com)
// is mapped to the sandbox's registry: the proxy between the SDK and moto points GetAuthorizationToken's
// proxyEndpoint at a local front, which accepts the token's login (AWS / moto's password) and passes each
// request on to the registry with the registry's own credentials. So the token is decoded by the action,
// used by `docker login` and `docker push`, and checked by the front.
const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repository = `k8s-ship-itg/ecr-moto-${process.pid}`;
const sha = 'c0ffee0000000000000000000000000000000002';
const moto = useMoto();

class RecordingRunner extends ProcessCommandRunner {
  readonly argv: string[][] = [];
  override run(...args: Parameters<ProcessCommandRunner['run']>) {
    this.argv.push([args[0], ...args[1]]);
    return super.run(...args);
  }
}

describe('build-push to ECR: the API in moto, the registry half on the sandbox registry', () => {
  let engine: DockerEngine;
  let registry: BasicRegistry & { address: string };
  let base: string;
  let workspace: string;
  let front: EcrRegistryFront;
  let proxy: AwsFaultProxy;
  let endpoint: string | undefined;
  const pushed: string[] = [];

  beforeAll(async () => {
    ({ engine, registry, base } = await buildPushSandbox());
    workspace = mkdtempSync(join(tmpdir(), 'build-push-ecr-moto-'));
    cpSync(join(actionDir, 'test', 'fixtures', 'image'), workspace, { recursive: true });
    front = await EcrRegistryFront.start(
      registry.url,
      { username: 'AWS', password: `${MOTO_ACCOUNT_ID}-auth-token` },
      registry,
    );
    proxy = await AwsFaultProxy.start(moto.url);
    proxy.registryEndpoint = `http://${front.address}`;
    endpoint = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = proxy.url;
  });

  afterAll(async () => {
    process.env.AWS_ENDPOINT_URL = endpoint;
    const refs = [...new Set(pushed)];
    if (refs.length > 0)
      execFileSync('docker', ['image', 'rm', '--force', ...refs], {
        env: dockerEnv(engine),
        stdio: 'ignore',
      });
    const manifest = registry && (await readManifest(registry, repository, sha));
    if (manifest) await deleteManifest(registry, repository, manifest.digest);
    await front?.close();
    await proxy?.close();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  async function runAction(
    runner: RecordingRunner,
    createRepository: boolean,
    tags = '{{sha}}',
  ): Promise<InProcessStep> {
    const step = await runInProcess(
      {
        ...inputEnv({
          registry: 'ecr',
          repository,
          tags,
          'aws-region': MOTO_REGION,
          'create-repository': String(createRepository),
          context: workspace,
          'build-args': `BASE=${base}`,
          'push-attempts': '1',
        }),
        GITHUB_SHA: sha,
        GITHUB_REF: 'refs/heads/main',
        GITHUB_REPOSITORY: 'acme/shop',
        DOCKER_HOST: dockerEnv(engine).DOCKER_HOST as string,
      },
      () => run({ ...defaultDeps(), runner, now: () => Date.UTC(2025, 0, 1) }),
    );
    pushed.push(...(step.outputs.tags ?? '').split('\n').filter(Boolean));
    return step;
  }

  const ecr = () => createAwsClientFactory(MOTO_REGION).create(ECRClient);

  /** The manifest the registry holds for this commit's tag, as pushed by the creation test. */
  async function pushedManifest(): Promise<string> {
    const response = await fetch(`${registry.url}/v2/${repository}/manifests/${sha}`, {
      headers: {
        authorization: `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}`,
        accept:
          'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json',
      },
    });
    if (!response.ok)
      throw new Error(`the creation test pushed no ${repository}:${sha}: HTTP ${response.status}`);
    return response.text();
  }

  /** What ECR's API half would hold after a push of `manifest` under `tag`. */
  const putInEcr = (tag: string, manifest: string) =>
    ecr().send(new PutImageCommand({ repositoryName: repository, imageTag: tag, imageManifest: manifest }));

  /** A manifest of another image (config and layer `digest`). */
  const otherManifest = (digest: string) =>
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest, size: 1 },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest, size: 1 }],
    });

  test('with creation off, a missing repository fails before anything is built or pushed', async () => {
    const runner = new RecordingRunner();
    await expect(runAction(runner, false)).rejects.toThrow(
      `The ECR repository ${repository} does not exist in registry ${MOTO_ACCOUNT_ID} (${MOTO_REGION}): ` +
        "create it (infra/modules/ecr) or set 'create-repository: true'",
    );
    expect(runner.argv.filter((argv) => argv[1] === 'build' || argv[1] === 'push')).toEqual([]);
  });

  test('a missing repository is created in ECR, and the token logs docker in for the push', async () => {
    proxy.reset();
    front.translated = 0;
    const step = await runAction(new RecordingRunner(), true);
    const calls = [...proxy.counters.requests];
    const created = (await ecr().send(new DescribeRepositoriesCommand({ repositoryNames: [repository] })))
      .repositories?.[0];
    expect(created).toMatchObject({
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: { encryptionType: 'AES256' },
    });
    const manifest = await readManifest(registry, repository, sha);
    expect(step.outputs.digest).toBe(manifest?.digest);
    expect(step.outputs['image-ref']).toBe(`${front.address}/${repository}@${manifest?.digest}`);
    expect(front.translated).toBeGreaterThan(0);
    expect(calls).toEqual([
      'GetAuthorizationToken',
      'DescribeRepositories',
      'CreateRepository',
      'DescribeRepositories',
      'BatchGetImage',
    ]);
    await runInProcess({ STATE_dockerConfig: JSON.parse(step.state.dockerConfig as string) }, () =>
      cleanup(),
    );
  });

  test('the tag already holding this very image in ECR is success without a push', async () => {
    // ECR's registry half holds what the previous test pushed; its API half (moto) learns the manifest here.
    await putInEcr(sha, await pushedManifest());
    const runner = new RecordingRunner();
    const step = await runAction(runner, true);
    expect(runner.argv.filter((argv) => argv[1] === 'push')).toEqual([]);
    expect(step.summary).toContain('Already in the registry');
    await runInProcess({ STATE_dockerConfig: JSON.parse(step.state.dockerConfig as string) }, () =>
      cleanup(),
    );
  });

  test('an opted-in {{branch}} tag holding the previous build fails with the ways out, nothing pushed', async () => {
    const previous = `sha256:${'4'.repeat(64)}`;
    await putInEcr('main', otherManifest(previous));
    const runner = new RecordingRunner();
    // The build tags the image locally before the conflict is found: remove it with the others.
    pushed.push(`${front.address}/${repository}:main`);
    await expect(runAction(runner, true, '{{sha}}\n{{branch}}')).rejects.toThrow(
      new RegExp(
        `Tag 'main' from the moving template '\\{\\{branch\\}\\}' of input 'tags' already exists in the immutable repository .*${repository} and holds another image \\(config ${previous}, .* remove '\\{\\{branch\\}\\}' from input 'tags'.* mutable.* exclusion filter`,
      ),
    );
    expect(runner.argv.filter((argv) => argv[1] === 'push')).toEqual([]);
  });

  test('a {{branch}} tag that an ECR exclusion filter lets move is pushed over the previous build', async () => {
    await ecr().send(
      new PutImageTagMutabilityCommand({
        repositoryName: repository,
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'ma*' }],
      }),
    );
    proxy.reset();
    const runner = new RecordingRunner();
    const step = await runAction(runner, true, '{{sha}}\n{{branch}}');
    // Only the immutable tag is looked up in ECR; the moving one is pushed.
    expect(proxy.counters.requests.filter((action) => action === 'BatchGetImage')).toHaveLength(1);
    expect(runner.argv.filter((argv) => argv[1] === 'push').map((argv) => argv.at(-1))).toEqual([
      `${front.address}/${repository}:main`,
    ]);
    expect((await readManifest(registry, repository, 'main'))?.digest).toBe(step.outputs.digest);
    await runInProcess({ STATE_dockerConfig: JSON.parse(step.state.dockerConfig as string) }, () =>
      cleanup(),
    );
    // The next test needs the tags free in ECR again, immutable (moto lets an admin do both).
    await ecr().send(
      new BatchDeleteImageCommand({
        repositoryName: repository,
        imageIds: [{ imageTag: sha }, { imageTag: 'main' }],
      }),
    );
    await ecr().send(
      new PutImageTagMutabilityCommand({ repositoryName: repository, imageTagMutability: 'IMMUTABLE' }),
    );
  });

  test('the tag already holding another image in ECR fails with the conflict, nothing pushed', async () => {
    // What ECR would hold after another build had pushed this commit's tag.
    const other = `sha256:${'9'.repeat(64)}`;
    await ecr().send(
      new PutImageCommand({
        repositoryName: repository,
        imageTag: sha,
        imageManifest: JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: other, size: 1 },
          layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: other, size: 1 }],
        }),
      }),
    );
    const runner = new RecordingRunner();
    await expect(runAction(runner, true)).rejects.toThrow(
      new RegExp(
        `Tag '${sha}' already exists in the immutable repository .* holds another image \\(config ${other}`,
      ),
    );
    expect(runner.argv.filter((argv) => argv[1] === 'push')).toEqual([]);
  });
});
