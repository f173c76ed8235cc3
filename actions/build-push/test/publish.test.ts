import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { BuildCommand, Builder } from '../../lib/src/docker/build-command.js';
import type { Docker } from '../../lib/src/docker/docker-cli.js';
import type { ExistingImage } from '../../lib/src/ecr/ecr-registry.js';
import { type ImmutableTags, type PublishDeps, type PublishPlan, publishImage } from '../src/publish.js';
import { ImmutableTagConflictError } from '../src/tag-conflict.js';

const digest = (digit: string) => `sha256:${digit.repeat(64)}`;
const builtImageId = digest('b');
const sha = 'c0ffee0000000000000000000000000000000001';
const repository = '127.0.0.1:5000/shop/api';

/** The classic builder: writes the image ID, records pushes. */
class FakeDocker implements Docker {
  readonly pushed: string[] = [];
  constructor(private readonly iidFile: string) {}
  async builder(): Promise<Builder> {
    return 'buildkit';
  }
  async build(_command: BuildCommand): Promise<void> {
    writeFileSync(this.iidFile, builtImageId);
  }
  async login(): Promise<void> {}
  async logout(): Promise<void> {}
  async push(ref: string): Promise<void> {
    this.pushed.push(ref);
  }
  async save(): Promise<void> {
    throw new Error('publishImage never saves the image');
  }
  async imageSize(): Promise<number> {
    return 1234;
  }
}

async function messageOf(failure: Promise<unknown>): Promise<string> {
  try {
    await failure;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('publishImage succeeded where it should have failed');
}

/** An immutable repository holding `held`; tags in `mutable` are excluded from immutability. */
function immutableRepository(held: Record<string, ExistingImage>, mutable: string[] = []) {
  const lookedUp: string[] = [];
  const tags: ImmutableTags = {
    isImmutable: (tag) => !mutable.includes(tag),
    existingImage: async (_repository, tag) => {
      lookedUp.push(tag);
      return held[tag];
    },
  };
  return { tags, lookedUp };
}

describe('publishImage on an immutable repository', () => {
  let dir: string;
  let docker: FakeDocker;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'publish-test-'));
    docker = new FakeDocker(join(dir, 'iid'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const plan = (tags: string[], movingTags: Record<string, string> = {}): PublishPlan => ({
    image: { registry: '127.0.0.1:5000', repository: 'shop/api' },
    tags,
    movingTags: new Map(Object.entries(movingTags)),
    build: {
      context: '.',
      buildArgs: {},
      labels: {},
      platforms: [],
      cacheFrom: [],
      cacheTo: [],
      provenance: false,
      iidFile: join(dir, 'iid'),
    },
  });
  const deps = (immutable: ImmutableTags): PublishDeps => ({
    docker,
    manifests: { manifestDigest: async () => digest('d') },
    immutable,
    retry: { attempts: 1, baseMs: 0, maxMs: 0 },
    log: { info() {}, warning() {} },
  });

  test('a moving tag holding another image names tag, template, input, both digests and the ways out', async () => {
    const repo = immutableRepository({
      main: { manifestDigest: digest('1'), configDigest: digest('2') },
    });
    const failure = publishImage(plan([sha, 'main'], { main: '{{branch}}' }), deps(repo.tags));
    await expect(failure).rejects.toThrow(ImmutableTagConflictError);
    const message = await messageOf(failure);
    expect(message).toContain(
      `Tag 'main' from the moving template '{{branch}}' of input 'tags' already exists in the immutable repository ${repository}`,
    );
    expect(message).toContain(`config ${digest('2')}, manifest ${digest('1')}`);
    expect(message).toContain(`just built (${builtImageId})`);
    expect(message).toContain(`remove '{{branch}}' from input 'tags'`);
    expect(message).toContain("make the repository's tags mutable");
    expect(message).toContain(
      "exclusion filter for the tag (image tag mutability IMMUTABLE_WITH_EXCLUSION, wildcard filter 'main')",
    );
    expect(docker.pushed).toEqual([]);
  });

  test('a content tag holding another image keeps its own message', async () => {
    const repo = immutableRepository({ [sha]: { manifestDigest: digest('1'), configDigest: digest('2') } });
    await expect(publishImage(plan([sha]), deps(repo.tags))).rejects.toThrow(
      `Tag '${sha}' already exists in the immutable repository ${repository} and holds another image (config ${digest('2')}, manifest ${digest('1')}) than the one just built (${builtImageId}). Use a tag that is new for every build, such as {{sha}}, or delete the old image.`,
    );
    expect(docker.pushed).toEqual([]);
  });

  test('every conflicting tag is named in one error', async () => {
    const other = { manifestDigest: digest('1'), configDigest: digest('2') };
    const repo = immutableRepository({ [sha]: other, latest: other });
    const message = await messageOf(
      publishImage(plan([sha, 'latest'], { latest: 'latest' }), deps(repo.tags)),
    );
    const lines = message.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^Tag '${sha}' already exists in the immutable repository`));
    expect(lines[1]).toMatch(/^Tag 'latest' from the moving template 'latest' of input 'tags'/);
  });

  test('a tag holding an image whose config is unknown is a conflict that says so', async () => {
    const repo = immutableRepository({ latest: { manifestDigest: digest('1') } });
    await expect(publishImage(plan(['latest'], { latest: 'latest' }), deps(repo.tags))).rejects.toThrow(
      `holds ${digest('1')}, whose config cannot be compared with the image just built (${builtImageId})`,
    );
  });

  test('tags already holding the image just built are success without a push', async () => {
    const same = { manifestDigest: digest('1'), configDigest: builtImageId };
    const repo = immutableRepository({ [sha]: same, main: same });
    const result = await publishImage(plan([sha, 'main'], { main: '{{branch}}' }), deps(repo.tags));
    expect(result).toMatchObject({ digest: digest('1'), alreadyPresent: [sha, 'main'] });
    expect(docker.pushed).toEqual([]);
  });

  test('a tag the repository lets move (an exclusion filter) is pushed, not looked up', async () => {
    const repo = immutableRepository({ latest: { manifestDigest: digest('1'), configDigest: digest('2') } }, [
      'latest',
    ]);
    const result = await publishImage(plan([sha, 'latest'], { latest: 'latest' }), deps(repo.tags));
    expect(repo.lookedUp).toEqual([sha]);
    expect(docker.pushed).toEqual([`${repository}:${sha}`, `${repository}:latest`]);
    expect(result.digest).toBe(digest('d'));
  });
});
