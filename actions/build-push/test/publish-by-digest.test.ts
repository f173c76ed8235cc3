import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { BuildCommand, Builder } from '../../lib/src/docker/build-command.js';
import type { Docker } from '../../lib/src/docker/docker-cli.js';
import { LayerDigestCache } from '../../lib/src/docker/layer-digest-cache.js';
import { RegistryApiError } from '../../lib/src/docker/registry-client.js';
import {
  dockerArchive,
  FakeBlobRegistry,
  imageConfig,
  layerTar,
  sha256,
} from '../../lib/test/docker/saved-image.js';
import type { PublishPlan } from '../src/publish.js';
import { type PublishByDigestDeps, publishByDigest } from '../src/publish-by-digest.js';

const sha = 'c0ffee0000000000000000000000000000000001';
const image = { registry: '127.0.0.1:5000', repository: 'shop/api' };
const layers = [layerTar({ 'etc/os-release': 'ID=test\n' }), layerTar({ 'app/index.js': 'hi' })];
const config = imageConfig(layers);

/** docker with the classic builder or buildx: writes what each writes, records every call. */
class FakeDocker implements Docker {
  readonly calls: string[][] = [];
  constructor(
    private readonly kind: Builder,
    private readonly savedConfig = config,
  ) {}
  async builder(): Promise<Builder> {
    return this.kind;
  }
  async build(command: BuildCommand): Promise<void> {
    this.calls.push(command.args);
    const iidFile = command.args[command.args.indexOf('--iidfile') + 1] as string;
    writeFileSync(iidFile, sha256(config));
    const metadata = command.args.indexOf('--metadata-file');
    if (metadata >= 0) {
      writeFileSync(
        command.args[metadata + 1] as string,
        JSON.stringify({ 'containerimage.digest': `sha256:${'e'.repeat(64)}` }),
      );
    }
  }
  async login(): Promise<void> {}
  async logout(): Promise<void> {}
  async push(ref: string): Promise<void> {
    this.calls.push(['push', ref]);
  }
  async save(ref: string, file: string): Promise<void> {
    this.calls.push(['save', ref]);
    writeFileSync(file, dockerArchive(layers, this.savedConfig));
  }
  async imageSize(): Promise<number> {
    return 1234;
  }
}

describe('publishByDigest', () => {
  let dir: string;
  let registry: FakeBlobRegistry;
  const warnings: string[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'publish-by-digest-'));
    registry = new FakeBlobRegistry();
    warnings.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const plan = (): PublishPlan => ({
    image,
    tags: [sha, 'c0ffee0'],
    movingTags: new Map(),
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
  const deps = (docker: Docker, over: Partial<PublishByDigestDeps> = {}): PublishByDigestDeps => ({
    docker,
    manifests: {
      // What the registry serves: the manifests it holds, by digest.
      manifestDigest: async (_image, reference) =>
        registry.manifests.has(reference) ? reference : undefined,
    },
    blobs: registry,
    retry: { attempts: 3, baseMs: 0, maxMs: 0, sleep: async () => {} },
    log: { info() {}, warning: (message) => warnings.push(message) },
    scratchDir: dir,
    ...over,
  });

  test('the classic builder: a local tag only, the saved image put by digest, no tag pushed', async () => {
    const docker = new FakeDocker('legacy');
    const result = await publishByDigest(plan(), deps(docker));
    expect(result.tagged).toBe(false);
    expect(registry.manifests.has(result.digest)).toBe(true);
    expect(result.imageRef).toBe(`127.0.0.1:5000/shop/api@${result.digest}`);
    expect(result.imageId).toBe(sha256(config));
    // The tags still to add, for the tagging step after the scan.
    expect(result.tags).toEqual([`127.0.0.1:5000/shop/api:${sha}`, '127.0.0.1:5000/shop/api:c0ffee0']);
    const build = docker.calls[0] as string[];
    expect(build.filter((_arg, i) => build[i - 1] === '--tag')).toEqual([`k8s-ship.local/shop/api:${sha}`]);
    expect(docker.calls.slice(1)).toEqual([['save', `k8s-ship.local/shop/api:${sha}`]]);
    expect(docker.calls.some(([command]) => command === 'push')).toBe(false);
    expect(registry.calls.filter((call) => call.method === 'putManifest')).toEqual([
      { method: 'putManifest', digest: result.digest },
    ]);
    expect(result.uploadedBytes).toBeGreaterThan(0);
    // The saved tar does not outlive the push.
    expect(readdirSync(dir).filter((name) => name.endsWith('.tar'))).toEqual([]);
  });

  test('buildx pushes by digest itself; the digest comes from its metadata file', async () => {
    const digest = `sha256:${'e'.repeat(64)}`;
    const served: string[] = [];
    const docker = new FakeDocker('buildx');
    const result = await publishByDigest(
      plan(),
      deps(docker, {
        manifests: {
          manifestDigest: async (_image, reference) => {
            served.push(reference);
            return reference;
          },
        },
      }),
    );
    expect(result).toMatchObject({ digest, imageRef: `127.0.0.1:5000/shop/api@${digest}`, tagged: false });
    const args = docker.calls[0] as string[];
    expect(args).toContain(
      'type=image,name=127.0.0.1:5000/shop/api,push-by-digest=true,name-canonical=true,push=true',
    );
    expect(args).not.toContain('--tag');
    expect(args).not.toContain('--push');
    expect(docker.calls).toHaveLength(1);
    expect(served).toEqual([digest]);
    expect(result.sizeBytes).toBe(0);
  });

  test('a digest the registry does not serve after the push is an error, not an output', async () => {
    const docker = new FakeDocker('buildx');
    await expect(
      publishByDigest(plan(), deps(docker, { manifests: { manifestDigest: async () => undefined } })),
    ).rejects.toThrow(/is not in the registry after the push \(it answered not found\)/);
  });

  test('a save that is not the image just built is refused', async () => {
    const other = imageConfig(layers, 'another image');
    const docker = new FakeDocker('legacy', other);
    await expect(publishByDigest(plan(), deps(docker))).rejects.toThrow(
      `gave config ${sha256(other)}, not the image just built (${sha256(config)})`,
    );
  });

  test('a registry call that fails transiently is retried, with a warning', async () => {
    const upload = registry.uploadBlob.bind(registry);
    let failures = 1;
    registry.uploadBlob = async (...args) => {
      if (failures-- > 0) throw new RegistryApiError('upload answered 503', 503);
      return upload(...args);
    };
    const result = await publishByDigest(plan(), deps(new FakeDocker('legacy')));
    expect(registry.manifests.has(result.digest)).toBe(true);
    expect(warnings.some((w) => /upload of blob [0-9a-f]{12} failed \(attempt 1\)/.test(w))).toBe(true);
  });

  test('the layer cache is written after the push and spares the second one its uploads', async () => {
    const path = join(dir, 'cache', 'layer-digests.json');
    await publishByDigest(
      plan(),
      deps(new FakeDocker('legacy'), { layerCache: LayerDigestCache.load(path) }),
    );
    expect(existsSync(path)).toBe(true);
    registry.calls.length = 0;
    await publishByDigest(
      plan(),
      deps(new FakeDocker('legacy'), { layerCache: LayerDigestCache.load(path) }),
    );
    expect(registry.uploads()).toEqual([]);
  });
});
