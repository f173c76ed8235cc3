import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, test } from 'vitest';
import { EcrRegistry, isImmutableTag, type TagMutability } from '../../src/ecr/ecr-registry.js';

const ecr = mockClient(ECRClient);
afterAll(() => ecr.restore());

describe('isImmutableTag', () => {
  const immutable = (exclusions: string[] = []): TagMutability => ({ immutable: true, exclusions });
  const mutable = (exclusions: string[] = []): TagMutability => ({ immutable: false, exclusions });

  test.each<[string, TagMutability, string, boolean]>([
    ['IMMUTABLE', immutable(), 'main', true],
    ['MUTABLE', mutable(), 'main', false],
    ['IMMUTABLE_WITH_EXCLUSION, an excluded tag', immutable(['latest', 'main']), 'main', false],
    ['IMMUTABLE_WITH_EXCLUSION, another tag', immutable(['latest', 'main']), 'mainline', true],
    ['IMMUTABLE_WITH_EXCLUSION, a wildcard', immutable(['feature-*']), 'feature-login', false],
    ['IMMUTABLE_WITH_EXCLUSION, a wildcard in the middle', immutable(['v*-rc']), 'v1.2-rc', false],
    ['IMMUTABLE_WITH_EXCLUSION, dots are literal', immutable(['1.2']), '1x2', true],
    ['MUTABLE_WITH_EXCLUSION, an excluded tag', mutable(['v*']), 'v1.0.0', true],
    ['MUTABLE_WITH_EXCLUSION, another tag', mutable(['v*']), 'main', false],
  ])('%s: %j → immutable %s', (_, mutability, tag, expected) => {
    expect(isImmutableTag(mutability, tag)).toBe(expected);
  });
});

describe('EcrRegistry.tagMutability', () => {
  test.each([
    [{ imageTagMutability: 'IMMUTABLE' as const }, { immutable: true, exclusions: [] }],
    [{}, { immutable: false, exclusions: [] }],
    [
      {
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION' as const,
        imageTagMutabilityExclusionFilters: [
          { filterType: 'WILDCARD' as const, filter: 'latest' },
          { filterType: 'WILDCARD' as const, filter: 'feature-*' },
        ],
      },
      { immutable: true, exclusions: ['latest', 'feature-*'] },
    ],
    [{ imageTagMutability: 'MUTABLE_WITH_EXCLUSION' as const }, { immutable: false, exclusions: [] }],
  ])('reads %j as %j', async (repository, expected) => {
    ecr.reset();
    ecr.on(DescribeRepositoriesCommand, { repositoryNames: ['shop/api'] }).resolves({
      repositories: [repository],
    });
    await expect(
      new EcrRegistry(new ECRClient({ region: 'eu-central-1' })).tagMutability('shop/api'),
    ).resolves.toEqual(expected);
  });
});
