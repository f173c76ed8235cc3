import { describe, expect, test } from 'vitest';
import type { RegistryLoginInput } from '../../lib/src/docker/registry-login.js';
import { loginForImage, parsePinnedImage, parseTags } from '../src/inputs.js';

const digest = `sha256:${'a'.repeat(64)}`;
const image = { registry: '127.0.0.1:5000', repository: 'team/app' };
const PINNED =
  "Expected a reference pinned by digest, registry/repository@sha256:<64 hex digits> (build-push's image-ref output).";

describe('parsePinnedImage', () => {
  test.each([
    [`127.0.0.1:5000/team/app@${digest}`, { registry: '127.0.0.1:5000', repository: 'team/app' }],
    [`ghcr.io/org/app@${digest}`, { registry: 'ghcr.io', repository: 'org/app' }],
    [`localhost/app@${digest}`, { registry: 'localhost', repository: 'app' }],
    [
      `123456789012.dkr.ecr.eu-central-1.amazonaws.com/shop/api@${digest}`,
      { registry: '123456789012.dkr.ecr.eu-central-1.amazonaws.com', repository: 'shop/api' },
    ],
  ])('%s is pinned', (value, repository) => {
    expect(parsePinnedImage('image', value)).toEqual({ image: repository, digest });
  });

  test.each([
    ['a tag only', '127.0.0.1:5000/team/app:v1'],
    ['a tag and a digest (which one was scanned?)', `127.0.0.1:5000/team/app:v1@${digest}`],
    ['no registry', `team/app@${digest}`],
    ['a short digest', '127.0.0.1:5000/team/app@sha256:abc'],
    ['another algorithm', `127.0.0.1:5000/team/app@md5:${'a'.repeat(32)}`],
    ['an upper-case repository', `127.0.0.1:5000/Team/app@${digest}`],
    ['two digests', `127.0.0.1:5000/team/app@${digest}@${digest}`],
  ])('%s is refused, naming the input, the value and what is expected', (_what, value) => {
    expect(() => parsePinnedImage('image', value)).toThrow(`Invalid input 'image': '${value}'. ${PINNED}`);
  });
});

describe('parseTags', () => {
  test('bare tags and references to the image repository give the bare tags, each once, in order', () => {
    expect(
      parseTags('tags', ['v1.2.3', '127.0.0.1:5000/team/app:abc1234', 'v1.2.3', 'latest'], image),
    ).toEqual(['v1.2.3', 'abc1234', 'latest']);
  });

  test('a reference to another repository is refused', () => {
    expect(() => parseTags('tags', ['127.0.0.1:5000/team/other:v1'], image)).toThrow(
      "Invalid input 'tags': '127.0.0.1:5000/team/other:v1'. Expected a tag, or a reference 127.0.0.1:5000/team/app:TAG to the repository of the input 'image'.",
    );
  });

  test('a reference by digest is not a tag', () => {
    expect(() => parseTags('tags', [`127.0.0.1:5000/team/app@${digest}`], image)).toThrow(
      "Expected a tag, or a reference 127.0.0.1:5000/team/app:TAG to the repository of the input 'image'.",
    );
  });

  test.each(['-v1', '.hidden', 'a'.repeat(129), 'v1:2', 'tag with space'])(
    '%s is not a Docker tag',
    (tag) => {
      expect(() => parseTags('tags', [tag], image)).toThrow(
        `Invalid input 'tags': '${tag}'. Expected a Docker tag: up to 128 letters, digits, _ . and -, not starting with . or -.`,
      );
    },
  );

  test('no tag at all is refused', () => {
    expect(() => parseTags('tags', [], image)).toThrow(
      "Input 'tags' is required but was empty. Give at least one tag to add.",
    );
  });
});

describe('loginForImage', () => {
  const password: RegistryLoginInput = {
    kind: 'password',
    host: '127.0.0.1:5000',
    username: 'u',
    password: 'p',
  };
  const ecrHost = '123456789012.dkr.ecr.eu-central-1.amazonaws.com';

  test('a password login for the image registry is kept', () => {
    expect(loginForImage(password, image)).toBe(password);
  });

  test('a login for another registry is refused: the tags would go nowhere', () => {
    expect(() => loginForImage({ ...password, host: 'ghcr.io' }, image)).toThrow(
      "Invalid input 'registry': 'ghcr.io'. Expected the registry of the input 'image', 127.0.0.1:5000.",
    );
  });

  test("Docker Hub's names are one registry", () => {
    const hub = { ...password, host: 'docker.io' };
    expect(loginForImage(hub, { registry: 'index.docker.io', repository: 'team/app' })).toBe(hub);
  });

  test("an ECR login with no registry ID asks for the account the image's host names", () => {
    const login: RegistryLoginInput = { kind: 'ecr', region: 'eu-central-1' };
    expect(loginForImage(login, { registry: ecrHost, repository: 'shop/api' })).toEqual({
      ...login,
      registryId: '123456789012',
    });
  });

  test('an ECR login keeps the registry ID it was given', () => {
    const login: RegistryLoginInput = { kind: 'ecr', region: 'eu-central-1', registryId: '210987654321' };
    expect(loginForImage(login, { registry: ecrHost, repository: 'shop/api' })).toBe(login);
  });
});
