import { describe, expect, test } from 'vitest';
import {
  DOCKER_TAG,
  InvalidImageReferenceError,
  isPinnedByDigest,
  isValidImageName,
  isValidImageReference,
  isValidRegistryHost,
  isValidRepositoryName,
  parseEcrHost,
  parseImageReference,
  registryApiBase,
  registryKind,
  splitImageReference,
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

describe('parseImageReference', () => {
  test.each([
    ['k8s-ship/service:0.1.0', { name: 'k8s-ship/service', tag: '0.1.0' }],
    [
      '127.0.0.1:5000/k8s-ship/service:main-3f2a1b',
      { name: '127.0.0.1:5000/k8s-ship/service', tag: 'main-3f2a1b' },
    ],
    [
      `123456789012.dkr.ecr.eu-west-1.amazonaws.com/svc@sha256:${'0'.repeat(64)}`,
      { name: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/svc', digest: `sha256:${'0'.repeat(64)}` },
    ],
    [`svc:1.2@sha256:${'f'.repeat(64)}`, { name: 'svc', tag: '1.2', digest: `sha256:${'f'.repeat(64)}` }],
  ])('splits %s', (reference, expected) => {
    expect(parseImageReference(reference)).toEqual(expected);
  });

  test.each([
    [
      'svc:latest',
      "Invalid image 'svc:latest': the tag latest is not pinned; expected REPOSITORY:TAG or REPOSITORY@sha256:DIGEST with a tag other than latest.",
    ],
    ['127.0.0.1:5000/svc', 'it has neither tag nor digest'],
    ['Svc:1', "repository 'Svc' is not a valid lowercase image name"],
    ['svc@sha256:abc', "digest 'sha256:abc' is not sha256 and 64 hex digits"],
    ['svc:1;rm -rf /', "Invalid image 'svc:1;rm -rf /'"],
    ['svc:$(id)', 'is not a valid Docker tag'],
  ])('refuses %s, saying why', (reference, message) => {
    expect(() => parseImageReference(reference)).toThrow(message);
  });
});

describe('the rest of the grammar', () => {
  test('splitImageReference takes the tag after the last slash, not a registry port', () => {
    expect(splitImageReference('127.0.0.1:5000/team/app')).toEqual({ name: '127.0.0.1:5000/team/app' });
    expect(splitImageReference(`app:1@sha256:${'a'.repeat(64)}`)).toEqual({
      name: 'app',
      tag: '1',
      digest: `sha256:${'a'.repeat(64)}`,
    });
    expect(splitImageReference('a@b@c')).toEqual({ name: 'a', digest: 'b', extra: 'c' });
  });

  test.each([
    ['app', true],
    ['team/app', true],
    ['localhost/app', true],
    ['Registry.Example:5000/team/app', true],
    ['[::1]:5000/app', true],
    ['Team/app', false],
    ['ghcr.io/', false],
    ['a..b', false],
  ])('image name %j valid: %s', (name, valid) => {
    expect(isValidImageName(name)).toBe(valid);
  });

  test('a digest pins a reference, a tag does not', () => {
    expect(isPinnedByDigest(`r.example/app@sha256:${'c'.repeat(64)}`)).toBe(true);
    expect(isPinnedByDigest(`r.example/app:1@sha256:${'c'.repeat(64)}`)).toBe(true);
    expect(isPinnedByDigest('r.example/app:1')).toBe(false);
    expect(isPinnedByDigest('r.example/app@sha256:abc')).toBe(false);
  });

  test('a Docker tag is at most 128 characters, not starting with . or -', () => {
    expect('a'.repeat(128)).toMatch(DOCKER_TAG);
    expect('a'.repeat(129)).not.toMatch(DOCKER_TAG);
    expect('.a').not.toMatch(DOCKER_TAG);
    expect('-a').not.toMatch(DOCKER_TAG);
  });

  test('the error names the value and says what is wrong apart', () => {
    const error = (() => {
      try {
        parseImageReference('svc:latest', 'container web image');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(InvalidImageReferenceError);
    expect((error as InvalidImageReferenceError).reason).toBe('the tag latest is not pinned');
    expect((error as Error).message).toMatch(/^Invalid container web image 'svc:latest': /);
  });
});

describe('isValidImageReference (what a scanner may read: pinned or not)', () => {
  test.each([
    ['app', true],
    ['app:latest', true],
    ['127.0.0.1:5000/team/app:1.2', true],
    [`registry.example.com/team/app@sha256:${'a'.repeat(64)}`, true],
    [`sha256:${'b'.repeat(64)}`, true], // an image ID, as the engine names it
    ['--help; rm -rf /', false],
    ['Team/App:1', false],
    ['app:-bad', false],
    [`app@sha256:${'a'.repeat(63)}`, false],
    [`app@sha256:${'a'.repeat(64)}@x`, false],
  ])('%s → %s', (reference, valid) => {
    expect(isValidImageReference(reference)).toBe(valid);
  });
});
