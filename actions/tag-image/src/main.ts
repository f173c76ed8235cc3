import { ECRClient } from '@aws-sdk/client-ecr';
import { digestRef, type ImageRepository, repositoryName } from '../../lib/src/docker/image-ref.js';
import { RegistryClient } from '../../lib/src/docker/registry-client.js';
import { resolveRegistryLogin } from '../../lib/src/docker/registry-login.js';
import {
  ConfigurationError,
  code,
  createAwsClientFactory,
  group,
  heading,
  info,
  paragraph,
  type RetryOptions,
  setOutputs,
  table,
  warning,
  writeJobSummary,
} from '../../lib/src/index.js';
import { getInputs } from './inputs.js';
import { type TagOutcome, tagImage } from './tag.js';

/** What run() talks to; tests give a fetch to a fake or real registry and a retry without waits. */
export interface TagImageDeps {
  createEcrClient: (region: string) => ECRClient;
  fetch: typeof fetch;
  retry: Pick<RetryOptions, 'attempts' | 'baseMs' | 'maxMs' | 'sleep' | 'random'>;
}

export const defaultDeps = (): TagImageDeps => ({
  createEcrClient: (region) => createAwsClientFactory(region).create(ECRClient),
  fetch,
  retry: { attempts: 4, baseMs: 1000, maxMs: 15_000 },
});

const RESULT_TEXT: Record<TagOutcome['result'], string> = {
  added: 'added',
  moved: 'moved to this image',
  unchanged: 'already named this image',
};

export function tagSummary(image: ImageRepository, digest: string, outcomes: readonly TagOutcome[]): string {
  return (
    heading(`Tagged ${repositoryName(image)}`) +
    paragraph(`After the scan passed, every tag names ${digest}.`) +
    table(
      ['Tag', 'Result'],
      outcomes.map((o) => [
        code(o.ref),
        o.previous === undefined ? RESULT_TEXT[o.result] : `${RESULT_TEXT[o.result]} (was ${o.previous})`,
      ]),
    )
  );
}

export async function run(deps: TagImageDeps = defaultDeps()): Promise<void> {
  const inputs = getInputs();
  const imageRef = digestRef(inputs.image, inputs.digest);

  const login = await group('Log in to the registry', async () => {
    const resolved = await resolveRegistryLogin(inputs.registry, deps.createEcrClient);
    info(`${resolved.registry} as user '${resolved.username}'`);
    return resolved;
  });
  if (login.registry !== inputs.image.registry && inputs.registry.kind === 'ecr') {
    throw new ConfigurationError(
      `The ECR login is for ${login.registry}, but the input 'image' is in ${inputs.image.registry}: ` +
        `set 'aws-region' (and 'ecr-registry-id') to the region and account of ${inputs.image.registry}.`,
    );
  }

  const registry = new RegistryClient({ username: login.username, password: login.password }, deps.fetch);
  const outcomes = await group(`Tag ${imageRef}`, () =>
    tagImage(
      { image: inputs.image, digest: inputs.digest, tags: inputs.tags },
      { registry, retry: deps.retry, log: { info, warning } },
    ),
  );

  setOutputs({ tags: outcomes.map((o) => o.ref), digest: inputs.digest, 'image-ref': imageRef });
  const counts = (['added', 'moved', 'unchanged'] as const)
    .map((result) => [result, outcomes.filter((o) => o.result === result).length] as const)
    .filter(([, count]) => count > 0)
    .map(([result, count]) => `${count} ${result}`);
  info(`${repositoryName(inputs.image)}: ${counts.join(', ')}; every tag names ${inputs.digest}`);
  await writeJobSummary([tagSummary(inputs.image, inputs.digest, outcomes)]);
}
