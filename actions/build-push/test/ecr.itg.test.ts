import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type DockerEngine, dockerEnv } from '../../../sandbox/src/docker-engine.js';
import { ProcessCommandRunner } from '../../lib/src/index.js';
import { cleanup } from '../src/logout.js';
import { run } from '../src/main.js';
import { type InProcessStep, inputEnv, runInProcess } from './in-process.js';
import { type BasicRegistry, deleteManifest, readManifest } from './registry-api.js';
import { buildPushSandbox } from './sandbox-parts.js';

const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repository = `k8s-ship-itg/ecr-${process.pid}`;
const sha = 'c0ffee0000000000000000000000000000000001';
const ecr = mockClient(ECRClient);

/** A runner that remembers every docker argv, to see what was (not) pushed. */
class RecordingRunner extends ProcessCommandRunner {
  readonly argv: string[][] = [];
  override run(...args: Parameters<ProcessCommandRunner['run']>) {
    this.argv.push([args[0], ...args[1]]);
    return super.run(...args);
  }
}

describe('build-push to ECR (API under aws-sdk-client-mock, registry half on the local registry)', () => {
  let engine: DockerEngine;
  let registry: BasicRegistry & { address: string };
  let workspace: string;
  let base: string;
  const pushed: string[] = [];

  beforeAll(async () => {
    ({ engine, registry, base } = await buildPushSandbox());
    workspace = mkdtempSync(join(tmpdir(), 'build-push-ecr-'));
    cpSync(join(actionDir, 'test', 'fixtures', 'image'), workspace, { recursive: true });
  });

  beforeEach(() => {
    ecr.reset();
    // The token ECR would hand out, pointing docker at the local registry.
    ecr.on(GetAuthorizationTokenCommand).resolves({
      authorizationData: [
        {
          authorizationToken: Buffer.from(`${registry.username}:${registry.password}`).toString('base64'),
          proxyEndpoint: registry.url,
        },
      ],
    });
  });

  afterAll(async () => {
    ecr.restore();
    const refs = [...new Set(pushed)];
    if (refs.length > 0)
      execFileSync('docker', ['image', 'rm', '--force', ...refs], {
        env: dockerEnv(engine),
        stdio: 'ignore',
      });
    const manifest = await readManifest(registry, repository, sha);
    if (manifest) await deleteManifest(registry, repository, manifest.digest);
    rmSync(workspace, { recursive: true, force: true });
  });

  async function runAction(runner: RecordingRunner, tags = '{{sha}}\n{{short-sha}}'): Promise<InProcessStep> {
    const step = await runInProcess(
      {
        ...inputEnv({
          registry: 'ecr',
          repository,
          tags,
          'aws-region': 'eu-central-1',
          'create-repository': 'true',
          context: workspace,
          'build-args': `BASE=${base}`,
          'push-attempts': '1',
        }),
        GITHUB_SHA: sha,
        GITHUB_REF: 'refs/heads/main',
        GITHUB_REPOSITORY: 'acme/shop',
        DOCKER_HOST: dockerEnv(engine).DOCKER_HOST as string,
      },
      // A fixed clock keeps the `created` label, and so the image ID, the same on a re-run.
      () =>
        run({
          runner,
          createEcrClient: (region) => new ECRClient({ region }),
          fetch,
          now: () => Date.UTC(2025, 0, 1),
        }),
    );
    pushed.push(...(step.outputs.tags ?? '').split('\n').filter(Boolean));
    return step;
  }

  test('creates the missing repository immutable, scanned on push and encrypted, then pushes', async () => {
    ecr
      .on(DescribeRepositoriesCommand)
      .rejectsOnce(new RepositoryNotFoundException({ message: 'not found', $metadata: {} }))
      .resolves({ repositories: [{ repositoryName: repository, imageTagMutability: 'IMMUTABLE' }] });
    ecr.on(CreateRepositoryCommand).resolves({});
    ecr.on(BatchGetImageCommand).resolves({ images: [] });

    const step = await runAction(new RecordingRunner());
    expect(ecr.commandCalls(CreateRepositoryCommand)[0]?.args[0].input).toEqual({
      repositoryName: repository,
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: { encryptionType: 'AES256' },
    });
    const manifest = await readManifest(registry, repository, sha);
    expect(step.outputs.digest).toBe(manifest?.digest);
    expect(step.outputs['image-ref']).toBe(`${registry.address}/${repository}@${manifest?.digest}`);
    await runInProcess({ STATE_dockerConfig: JSON.parse(step.state.dockerConfig as string) }, () =>
      cleanup(),
    );
  });

  test('a tag that already holds the same image in the immutable repository is success, not a push', async () => {
    const first = await readManifest(registry, repository, sha);
    expect(first, 'the first test pushed the image').toBeDefined();
    ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [{ imageTagMutability: 'IMMUTABLE' }] });
    ecr.on(BatchGetImageCommand).resolves({
      images: [
        {
          imageId: { imageDigest: first?.digest },
          imageManifest: JSON.stringify({ config: { digest: first?.configDigest } }),
        },
      ],
    });
    const runner = new RecordingRunner();
    const step = await runAction(runner);
    expect(runner.argv.filter((argv) => argv[1] === 'push')).toEqual([]);
    expect(step.outputs.digest).toBe(first?.digest);
    expect(step.summary).toContain('Already in the registry');
    expect(ecr.commandCalls(CreateRepositoryCommand)).toHaveLength(0);
  });

  test('a tag that holds another image in the immutable repository fails with a clear error', async () => {
    ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [{ imageTagMutability: 'IMMUTABLE' }] });
    const other = `sha256:${'1'.repeat(64)}`;
    ecr.on(BatchGetImageCommand).resolves({
      images: [
        {
          imageId: { imageDigest: `sha256:${'2'.repeat(64)}` },
          imageManifest: JSON.stringify({ config: { digest: other } }),
        },
      ],
    });
    await expect(runAction(new RecordingRunner())).rejects.toThrow(
      new RegExp(
        `Tag '${sha}' already exists in the immutable repository .* holds another image \\(config ${other}`,
      ),
    );
  });

  test('an opted-in {{branch}} tag holding the previous build fails with the ways out', async () => {
    const first = await readManifest(registry, repository, sha);
    ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [{ imageTagMutability: 'IMMUTABLE' }] });
    const previous = { manifest: `sha256:${'3'.repeat(64)}`, config: `sha256:${'4'.repeat(64)}` };
    ecr.on(BatchGetImageCommand).callsFake(({ imageIds }) => ({
      images: [
        imageIds[0].imageTag === 'main'
          ? {
              imageId: { imageDigest: previous.manifest },
              imageManifest: JSON.stringify({ config: { digest: previous.config } }),
            }
          : {
              imageId: { imageDigest: first?.digest },
              imageManifest: JSON.stringify({ config: { digest: first?.configDigest } }),
            },
      ],
    }));
    const runner = new RecordingRunner();
    // The build tags the image locally before the conflict is found: remove it with the others.
    pushed.push(`${registry.address}/${repository}:main`);
    await expect(runAction(runner, '{{sha}}\n{{branch}}')).rejects.toThrow(
      new RegExp(
        `Tag 'main' from the moving template '\\{\\{branch\\}\\}' of input 'tags' already exists in the immutable repository .*${repository} and holds another image \\(config ${previous.config}, manifest ${previous.manifest}\\) than the one just built \\(sha256:[0-9a-f]{64}\\).* remove '\\{\\{branch\\}\\}' from input 'tags'.* mutable.* exclusion filter`,
      ),
    );
    expect(runner.argv.filter((argv) => argv[1] === 'push')).toEqual([]);
  });

  test('a {{branch}} tag that an ECR exclusion filter lets move is pushed over the previous build', async () => {
    const first = await readManifest(registry, repository, sha);
    ecr.on(DescribeRepositoriesCommand).resolves({
      repositories: [
        {
          imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
          imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'ma*' }],
        },
      ],
    });
    ecr.on(BatchGetImageCommand).resolves({
      images: [
        {
          imageId: { imageDigest: first?.digest },
          imageManifest: JSON.stringify({ config: { digest: first?.configDigest } }),
        },
      ],
    });
    const runner = new RecordingRunner();
    const step = await runAction(runner, '{{sha}}\n{{branch}}');
    const looked = ecr
      .commandCalls(BatchGetImageCommand)
      .map((call) => call.args[0].input.imageIds?.[0]?.imageTag);
    expect(looked).toEqual([sha]);
    expect(runner.argv.filter((argv) => argv[1] === 'push').map((argv) => argv.at(-1))).toEqual([
      `${registry.address}/${repository}:main`,
    ]);
    expect((await readManifest(registry, repository, 'main'))?.digest).toBe(step.outputs.digest);
  });
});
