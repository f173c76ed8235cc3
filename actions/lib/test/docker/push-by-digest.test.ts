import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { LayerDigestCache } from '../../src/docker/layer-digest-cache.js';
import { pushSavedImage, readSavedImage } from '../../src/docker/push-by-digest.js';
import { readTarStream, TarFile } from '../../src/docker/tar-reader.js';
import { dockerArchive, FakeBlobRegistry, imageConfig, layerTar, ociLayout, sha256 } from './saved-image.js';

const image = { registry: '127.0.0.1:5000', repository: 'shop/api' };
const base = layerTar({ 'etc/os-release': 'ID=test\n', 'bin/sh': 'x'.repeat(20_000) });
const app = layerTar({ 'app/index.js': 'console.log("hi")\n' });

interface Manifest {
  mediaType: string;
  config: { mediaType: string; digest: string; size: number };
  layers: { mediaType: string; digest: string; size: number }[];
}

async function filesIn(layerBlob: Buffer): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of readTarStream(Readable.from([gunzipSync(layerBlob)]))) names.push(entry.name);
  return names;
}

describe('pushSavedImage', () => {
  let dir: string;
  let registry: FakeBlobRegistry;
  const save = (name: string, archive: Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, archive);
    return path;
  };
  const cacheAt = () => LayerDigestCache.load(join(dir, 'cache', 'layer-digests.json'));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'push-by-digest-'));
    registry = new FakeBlobRegistry();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a Docker archive goes up as gzipped layers, its config and a schema 2 manifest put by digest', async () => {
    const config = imageConfig([base, app]);
    const result = await pushSavedImage(save('image.tar', dockerArchive([base, app], config)), image, {
      registry,
    });
    const stored = registry.manifests.get(result.digest);
    if (stored === undefined) throw new Error('no manifest at the digest returned');
    expect(stored.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(result.ref).toBe(`127.0.0.1:5000/shop/api@${result.digest}`);
    // Only ever by digest: there is no tag to put.
    const puts = registry.calls.filter((call) => call.method === 'putManifest');
    expect(puts).toEqual([{ method: 'putManifest', digest: result.digest }]);
    const manifest = JSON.parse(stored.body.toString()) as Manifest;
    expect(manifest.config).toEqual({
      mediaType: 'application/vnd.docker.container.image.v1+json',
      digest: sha256(config),
      size: config.length,
    });
    expect(result.configDigest).toBe(sha256(config));
    expect(manifest.layers.map((layer) => layer.mediaType)).toEqual([
      'application/vnd.docker.image.rootfs.diff.tar.gzip',
      'application/vnd.docker.image.rootfs.diff.tar.gzip',
    ]);
    for (const [i, layer] of manifest.layers.entries()) {
      const blob = registry.blobs.get(layer.digest) as Buffer;
      expect(blob.length).toBe(layer.size);
      expect(gunzipSync(blob)).toEqual([base, app][i]);
    }
    expect(await filesIn(registry.blobs.get(manifest.layers[1]?.digest as string) as Buffer)).toEqual([
      'app/index.js',
    ]);
    expect(result.layers.map((layer) => layer.how)).toEqual(['uploaded', 'uploaded']);
    expect(result.uploadedBytes).toBe(
      manifest.layers.reduce((sum, layer) => sum + layer.size, 0) + config.length,
    );
  });

  test('a layer listed twice (a symlink in the archive) is compressed and uploaded once', async () => {
    const result = await pushSavedImage(save('twice.tar', dockerArchive([base, app, base])), image, {
      registry,
    });
    const manifest = JSON.parse(registry.manifests.get(result.digest)?.body.toString() as string) as Manifest;
    expect(manifest.layers).toHaveLength(3);
    expect(manifest.layers[2]).toEqual(manifest.layers[0]);
    expect(registry.uploads()).toHaveLength(3); // two layers and the config
  });

  test('a second push with the cache reads no layer, compresses nothing and uploads nothing', async () => {
    const path = save('image.tar', dockerArchive([base, app]));
    const first = await pushSavedImage(path, image, { registry, cache: cacheAt() });
    registry.calls.length = 0;
    const second = await pushSavedImage(path, image, { registry, cache: cacheAt() });
    expect(second.digest).toBe(first.digest);
    expect(second.layers.map((layer) => layer.how)).toEqual([
      'cached digest, already in the registry',
      'cached digest, already in the registry',
    ]);
    expect(registry.uploads()).toEqual([]);
    expect(second.uploadedBytes).toBe(0);
  });

  test('a push that fails still keeps what it compressed in the cache file', async () => {
    const path = save('image.tar', dockerArchive([base, app]));
    registry.putManifest = async () => {
      throw new Error('manifest refused');
    };
    await expect(pushSavedImage(path, image, { registry, cache: cacheAt() })).rejects.toThrow(
      'manifest refused',
    );
    expect(cacheAt().get(sha256(app), app.length)?.digest).toBe(sha256(gzipSync(app, { level: 6 })));
  });

  test('without the cache, a layer the registry holds is compressed to learn its digest, not uploaded', async () => {
    const path = save('image.tar', dockerArchive([base, app]));
    await pushSavedImage(path, image, { registry });
    registry.calls.length = 0;
    const again = await pushSavedImage(path, image, { registry });
    expect(again.layers.map((layer) => layer.how)).toEqual([
      'compressed, already in the registry',
      'compressed, already in the registry',
    ]);
    expect(registry.uploads()).toEqual([]);
  });

  test('a cache entry whose blob the registry lacks is not used: the layer is compressed and uploaded', async () => {
    const path = save('image.tar', dockerArchive([base, app]));
    await pushSavedImage(path, image, { registry, cache: cacheAt() });
    const other = new FakeBlobRegistry();
    const result = await pushSavedImage(path, image, { registry: other, cache: cacheAt() });
    expect(result.layers.map((layer) => layer.how)).toEqual(['uploaded', 'uploaded']);
    expect(other.manifests.has(result.digest)).toBe(true);
  });

  test('a cache entry of the right shape for another layer is refused by its size check', async () => {
    const path = save('image.tar', dockerArchive([base, app]));
    await pushSavedImage(path, image, { registry });
    // A wrong entry with a valid checksum, pointing app's diff ID at base's blob, which the registry holds.
    const cache = cacheAt();
    const baseBlob = gzipSync(base, { level: 6 });
    cache.set(sha256(app), base.length, { digest: sha256(baseBlob), size: baseBlob.length });
    const result = await pushSavedImage(path, image, { registry, cache });
    const appLayer = result.layers[1];
    expect(appLayer?.how).toBe('compressed, already in the registry');
    expect(gunzipSync(registry.blobs.get(appLayer?.digest as string) as Buffer)).toEqual(app);
  });

  test('a saved layer that is not the one the config lists is refused before anything is put', async () => {
    const config = imageConfig([base, layerTar({ 'app/index.js': 'another build' })]);
    const path = save('mismatch.tar', dockerArchive([base, app], config));
    await expect(pushSavedImage(path, image, { registry })).rejects.toThrow(
      /has diff ID sha256:[0-9a-f]{64}, but the image config lists/,
    );
    expect(registry.manifests.size).toBe(0);
  });

  test('an OCI layout goes up with an OCI manifest; a layer saved gzipped is pushed as it is', async () => {
    const result = await pushSavedImage(
      save('oci.tar', ociLayout([{ data: base, gzip: true }, { data: app }])),
      image,
      { registry },
    );
    expect(result.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    const manifest = JSON.parse(registry.manifests.get(result.digest)?.body.toString() as string) as Manifest;
    expect(manifest.config.mediaType).toBe('application/vnd.oci.image.config.v1+json');
    expect(manifest.layers.map((layer) => layer.mediaType)).toEqual([
      'application/vnd.oci.image.layer.v1.tar+gzip',
      'application/vnd.oci.image.layer.v1.tar+gzip',
    ]);
    expect(manifest.layers[0]?.digest).toBe(sha256(gzipSync(base)));
    expect(gunzipSync(registry.blobs.get(manifest.layers[1]?.digest as string) as Buffer)).toEqual(app);
  });

  test('a containerd-store save: the image manifest is found through its index, attestations left out', async () => {
    const tar = await TarFile.open(save('nested.tar', ociLayout([{ data: base }], { nestedIndex: true })));
    const saved = await readSavedImage(tar);
    expect(saved.format).toBe('oci-layout');
    expect(saved.layers.map((layer) => layer.diffId)).toEqual([sha256(base)]);
  });

  test('a file that is no docker save is refused with what it lacks', async () => {
    const path = save('other.tar', layerTar({ 'a.txt': 'a' }));
    await expect(pushSavedImage(path, image, { registry })).rejects.toThrow(
      /neither index.json nor manifest.json/,
    );
  });

  test('each registry call goes through attempt(), so the caller can retry it', async () => {
    const seen: string[] = [];
    await pushSavedImage(save('image.tar', dockerArchive([app])), image, {
      registry,
      attempt: (what, call) => {
        seen.push(what.replace(/[0-9a-f]{12}/, '…'));
        return call();
      },
    });
    expect(seen).toEqual([
      'blob check …',
      'upload of blob …',
      'blob check …',
      'upload of blob …',
      'manifest upload',
    ]);
  });
});
