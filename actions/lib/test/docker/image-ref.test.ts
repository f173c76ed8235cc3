import { describe, expect, test } from 'vitest';
import {
  isValidRegistryHost,
  isValidRepositoryName,
  parseEcrHost,
  registryApiBase,
  registryKind,
} from '../../src/docker/image-ref.js';

describe('registryKind', () => {
  test.each([
    ['123456789012.dkr.ecr.eu-central-1.amazonaws.com', 'ecr'],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', 'ecr'],
    ['docker.io', 'dockerhub'],
    ['ghcr.io', 'generic'],
    ['127.0.0.1:5000', 'generic'],
    ['evil.com/123456789012.dkr.ecr.eu-central-1.amazonaws.com', 'generic'],
  ])('%s is %s', (host, kind) => {
    expect(registryKind(host)).toBe(kind);
  });

  test('the account and region come from an ECR host', () => {
    expect(parseEcrHost('123456789012.dkr.ecr.eu-central-1.amazonaws.com')).toEqual({
      accountId: '123456789012',
      region: 'eu-central-1',
    });
  });
});

describe('names', () => {
  test.each([
    ['app', true],
    ['team/app-api', true],
    ['a__b/c.d', true],
    ['App', false],
    ['-app', false],
    ['app/', false],
    ['a;rm', false],
  ])('repository %j valid: %s', (name, valid) => {
    expect(isValidRepositoryName(name)).toBe(valid);
  });

  test.each([
    ['ghcr.io', true],
    ['127.0.0.1:5000', true],
    ['[::1]:5000', true],
    ['host name', false],
    ['https://ghcr.io', false],
  ])('registry %j valid: %s', (host, valid) => {
    expect(isValidRegistryHost(host)).toBe(valid);
  });

  test.each([
    ['127.0.0.1:5000', 'http://127.0.0.1:5000'],
    ['localhost:5000', 'http://localhost:5000'],
    ['ghcr.io', 'https://ghcr.io'],
    ['docker.io', 'https://registry-1.docker.io'],
  ])('the API of %s is at %s', (host, base) => {
    expect(registryApiBase(host)).toBe(base);
  });
});
