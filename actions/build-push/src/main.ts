import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECRClient } from '@aws-sdk/client-ecr';
import { DockerCli, isTransientDockerError } from '../../lib/src/docker/docker-cli.js';
import type { ImageRepository } from '../../lib/src/docker/image-ref.js';
import { LayerDigestCache, layerDigestCachePath } from '../../lib/src/docker/layer-digest-cache.js';
import { RegistryClient } from '../../lib/src/docker/registry-client.js';
import { type RegistryLogin, resolveRegistryLogin } from '../../lib/src/docker/registry-login.js';
import { type EcrRegistry, isImmutableTag } from '../../lib/src/ecr/ecr-registry.js';
import {
  type CommandRunner,
  createAwsClientFactory,
  group,
  info,
  markMainStepRan,
  ProcessCommandRunner,
  readRunContext,
  retry,
  setOutputs,
  warning,
  writeJobSummary,
} from '../../lib/src/index.js';
import { type BuildPushInputs, getInputs } from './inputs.js';
import { imageCreatedTime, ociLabels } from './labels.js';
import { type ImmutableTags, type PublishPlan, publishImage } from './publish.js';
import { publishByDigest } from './publish-by-digest.js';
import { buildPushState } from './state.js';
import { publishSummary } from './summary.js';
import { renderTags } from './tags.js';

/** What main() talks to; tests swap the command runner, and mock the ECR client with aws-sdk-client-mock. */
export interface BuildPushDeps {
  runner: CommandRunner;
  createEcrClient: (region: string) => ECRClient;
  fetch: typeof fetch;
  now: () => number;
}

export const defaultDeps = (): BuildPushDeps => ({
  runner: new ProcessCommandRunner(),
  createEcrClient: (region) => createAwsClientFactory(region).create(ECRClient),
  fetch,
  now: Date.now,
});

async function resolveLogin(inputs: BuildPushInputs, deps: BuildPushDeps): Promise<RegistryLogin> {
  const registry = inputs.registry;
  const login = await resolveRegistryLogin(registry, deps.createEcrClient);
  if (
    registry.kind === 'ecr' &&
    registry.createRepository &&
    (await login.ecr?.ensureRepository(inputs.repository, { kmsKey: registry.kmsKey }))
  ) {
    info(`Created the ECR repository ${inputs.repository} (immutable tags, scan on push, encrypted)`);
  }
  return login;
}

/** The repository's immutable tags, or undefined when it lets every tag move. */
async function immutableTags(ecr: EcrRegistry, repository: string): Promise<ImmutableTags | undefined> {
  const mutability = await ecr.tagMutability(repository);
  if (!mutability.immutable && mutability.exclusions.length === 0) return undefined;
  return {
    isImmutable: (tag) => isImmutableTag(mutability, tag),
    existingImage: (name, tag) => ecr.existingImage(name, tag),
  };
}

/** The runner's layer cache; entries that fail their checks are left out, and said so. */
function loadLayerCache(): LayerDigestCache {
  const cache = LayerDigestCache.load(layerDigestCachePath());
  if (cache.dropped > 0)
    warning(`Ignored ${cache.dropped} layer cache entries that failed their checks (${cache.path})`);
  info(`Layer cache ${cache.path}: ${cache.size} layers known`);
  return cache;
}

export async function run(deps: BuildPushDeps = defaultDeps()): Promise<void> {
  const inputs = getInputs();
  const context = readRunContext();
  const { tags, skipped, moving } = renderTags('tags', inputs.tagTemplates, {
    sha: context.sha,
    ref: context.ref,
    headRef: context.headRef,
    isProduction: inputs.isProduction,
  });
  for (const reason of skipped) info(`Tag template left out: ${reason}`);

  const workDir = mkdtempSync(join(process.env.RUNNER_TEMP || tmpdir(), 'build-push-'));
  // The login lives in this job's own DOCKER_CONFIG, removed by the post step, never in ~/.docker.
  const dockerConfig = join(workDir, 'docker-config');
  buildPushState.save('dockerConfig', dockerConfig);
  markMainStepRan();
  const docker = new DockerCli(deps.runner, { DOCKER_CONFIG: dockerConfig });
  const retryOptions = { attempts: inputs.pushAttempts, baseMs: 2000, maxMs: 30_000 };

  const login = await group('Log in to the registry', async () => {
    const resolved = await resolveLogin(inputs, deps);
    buildPushState.save('registry', resolved.registry);
    await retry(() => docker.login(resolved.registry, resolved.username, resolved.password), {
      ...retryOptions,
      isRetryable: isTransientDockerError,
      onRetry: (error, attempt) =>
        warning(`docker login failed (attempt ${attempt}), retrying: ${(error as Error).message}`),
    });
    return resolved;
  });

  const image: ImageRepository = { registry: login.registry, repository: inputs.repository };
  const immutable = login.ecr ? await immutableTags(login.ecr, inputs.repository) : undefined;
  const labels = {
    ...(inputs.ociLabels
      ? ociLabels({
          serverUrl: context.serverUrl,
          repository: context.repository,
          sha: context.sha,
          version: tags[0] as string,
          created: await imageCreatedTime({
            env: process.env,
            payload: context.payload,
            runner: deps.runner,
            context: inputs.context,
            sha: context.sha,
            now: deps.now,
          }),
        })
      : {}),
    ...inputs.labels,
  };

  const plan: PublishPlan = {
    image,
    tags,
    movingTags: moving,
    build: {
      context: inputs.context,
      file: inputs.file,
      target: inputs.target,
      buildArgs: inputs.buildArgs,
      labels,
      platforms: inputs.platforms,
      cacheFrom: inputs.cacheFrom,
      cacheTo: inputs.cacheTo,
      provenance: inputs.provenance,
      iidFile: join(workDir, 'image-id'),
    },
  };
  const registryClient = new RegistryClient(
    { username: login.username, password: login.password },
    deps.fetch,
  );
  const publishDeps = {
    docker,
    manifests: registryClient,
    immutable,
    retry: retryOptions,
    log: { info, warning },
    now: deps.now,
  };
  const result = inputs.pushByDigest
    ? await group('Build and push by digest (untagged)', () =>
        publishByDigest(plan, {
          ...publishDeps,
          blobs: registryClient,
          layerCache: loadLayerCache(),
          scratchDir: workDir,
        }),
      )
    : await group('Build and push', () => publishImage(plan, publishDeps));

  setOutputs({
    image: result.image,
    digest: result.digest,
    'image-ref': result.imageRef,
    tags: result.tags,
    'image-id': result.imageId,
    tagged: result.tagged,
  });
  info(`Pushed ${result.imageRef}${result.tagged ? '' : ' by digest, untagged'}`);
  await writeJobSummary([publishSummary(result)]);
}
