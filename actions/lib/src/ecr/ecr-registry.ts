import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  type DescribeRepositoriesCommandOutput,
  type ECRClient,
  GetAuthorizationTokenCommand,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';

/** What `docker login` needs for ECR. The password is a 12-hour token. */
export interface EcrLogin {
  /** host[:port] from the token's proxy endpoint, without the scheme. */
  registry: string;
  username: string;
  password: string;
}

export interface RepositorySettings {
  /** A KMS key ARN or alias; AES256 (S3-managed keys) when absent. */
  kmsKey?: string;
}

/** What a tag already points at in ECR. */
export interface ExistingImage {
  manifestDigest: string;
  /** The image config's digest, equal to the local image ID of the same image; absent for an index. */
  configDigest?: string;
}

/**
 * A repository's tag mutability: IMMUTABLE and MUTABLE, or either WITH_EXCLUSION, where tags matching an
 * exclusion filter (ECR's wildcards: `*` for any characters) behave the other way.
 */
export interface TagMutability {
  immutable: boolean;
  exclusions: string[];
}

function matchesWildcard(filter: string, tag: string): boolean {
  const pattern = filter
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${pattern}$`).test(tag);
}

/** True when ECR would refuse to move this tag to another image. */
export function isImmutableTag(mutability: TagMutability, tag: string): boolean {
  const excluded = mutability.exclusions.some((filter) => matchesWildcard(filter, tag));
  return mutability.immutable !== excluded;
}

export class EcrError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EcrError';
  }
}

/** The registry half of ECR the actions use, over the SDK client (mocked in tests). */
export class EcrRegistry {
  constructor(private readonly client: ECRClient) {}

  /** Exchanges the AWS credentials for a docker login to the account's registry (or `registryId`'s). */
  async login(registryId?: string): Promise<EcrLogin> {
    const response = await this.client.send(
      new GetAuthorizationTokenCommand(registryId === undefined ? {} : { registryIds: [registryId] }),
    );
    const data = response.authorizationData?.[0];
    if (data?.authorizationToken === undefined || data.proxyEndpoint === undefined) {
      throw new EcrError(
        'GetAuthorizationToken returned no token: check the role may call ecr:GetAuthorizationToken',
      );
    }
    const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 1) throw new EcrError('GetAuthorizationToken returned a token that is not user:password');
    return {
      registry: new URL(data.proxyEndpoint).host,
      username: decoded.slice(0, colon),
      password: decoded.slice(colon + 1),
    };
  }

  /**
   * Creates the repository when it does not exist: scan on push, immutable tags, encryption at rest.
   * Returns true when it was created. An existing repository is left as it is.
   */
  async ensureRepository(name: string, settings: RepositorySettings = {}): Promise<boolean> {
    try {
      await this.client.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }));
      return false;
    } catch (error) {
      if (!(error instanceof RepositoryNotFoundException)) throw error;
    }
    await this.client.send(
      new CreateRepositoryCommand({
        repositoryName: name,
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration:
          settings.kmsKey === undefined
            ? { encryptionType: 'AES256' }
            : { encryptionType: 'KMS', kmsKey: settings.kmsKey },
      }),
    );
    return true;
  }

  /** Which of the repository's tags ECR refuses to move. A missing repository is an EcrError saying what to do. */
  async tagMutability(name: string): Promise<TagMutability> {
    let response: DescribeRepositoriesCommandOutput;
    try {
      response = await this.client.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }));
    } catch (error) {
      if (!(error instanceof RepositoryNotFoundException)) throw error;
      const registryId = /registry with id '(\d{12})'/.exec(error.message)?.[1];
      const region = await this.client.config.region();
      throw new EcrError(
        `The ECR repository ${name} does not exist in registry ${registryId ?? 'of these credentials'} (${region}): ` +
          "create it (infra/modules/ecr) or set 'create-repository: true'",
      );
    }
    const repository = response.repositories?.[0];
    return {
      immutable: (repository?.imageTagMutability ?? 'MUTABLE').startsWith('IMMUTABLE'),
      exclusions: (repository?.imageTagMutabilityExclusionFilters ?? []).flatMap((filter) =>
        filter.filter === undefined ? [] : [filter.filter],
      ),
    };
  }

  /** The image a tag points at, or undefined when the tag does not exist. */
  async existingImage(repository: string, tag: string): Promise<ExistingImage | undefined> {
    const response = await this.client.send(
      new BatchGetImageCommand({ repositoryName: repository, imageIds: [{ imageTag: tag }] }),
    );
    const image = response.images?.[0];
    if (image?.imageId?.imageDigest === undefined) return undefined;
    let configDigest: string | undefined;
    try {
      const manifest = JSON.parse(image.imageManifest ?? '{}') as { config?: { digest?: unknown } };
      if (typeof manifest.config?.digest === 'string') configDigest = manifest.config.digest;
    } catch {
      // An unreadable manifest leaves the config unknown; the caller then cannot prove it is the same image.
    }
    return { manifestDigest: image.imageId.imageDigest, configDigest };
  }
}
