import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { LayerDigestCache, layerDigestCachePath } from '../../src/docker/layer-digest-cache.js';

const digest = (digit: string) => `sha256:${digit.repeat(64)}`;

describe('layerDigestCachePath', () => {
  test('uses XDG_CACHE_HOME when it is an absolute path, else ~/.cache', () => {
    expect(layerDigestCachePath({ XDG_CACHE_HOME: '/var/cache/ci' }, '/home/runner')).toBe(
      '/var/cache/ci/k8s-ship/layer-digests.json',
    );
    expect(layerDigestCachePath({}, '/home/runner')).toBe('/home/runner/.cache/k8s-ship/layer-digests.json');
    // The XDG spec says to ignore a relative value.
    expect(layerDigestCachePath({ XDG_CACHE_HOME: 'cache' }, '/home/runner')).toBe(
      '/home/runner/.cache/k8s-ship/layer-digests.json',
    );
  });
});

describe('LayerDigestCache', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'layer-cache-'));
    path = join(dir, 'k8s-ship', 'layer-digests.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a missing file is an empty cache; saved entries come back, for the same layer size only', () => {
    const cache = LayerDigestCache.load(path);
    expect(cache.size).toBe(0);
    cache.set(digest('a'), 1000, { digest: digest('b'), size: 300 });
    cache.save();
    const again = LayerDigestCache.load(path);
    expect(again.get(digest('a'), 1000)).toEqual({ digest: digest('b'), size: 300 });
    expect(again.get(digest('a'), 999)).toBeUndefined();
    expect(again.get(digest('c'), 1000)).toBeUndefined();
  });

  test('the file is written through a temporary file that does not stay behind', () => {
    const cache = LayerDigestCache.load(path);
    cache.set(digest('a'), 1, { digest: digest('b'), size: 1 });
    cache.save();
    expect(readdirSync(join(dir, 'k8s-ship'))).toEqual(['layer-digests.json']);
  });

  test('an entry changed on disk (digest moved to another layer) fails its check and is dropped', () => {
    const cache = LayerDigestCache.load(path);
    cache.set(digest('a'), 1000, { digest: digest('b'), size: 300 });
    cache.set(digest('c'), 1000, { digest: digest('d'), size: 300 });
    cache.save();
    const file = JSON.parse(readFileSync(path, 'utf8'));
    file.layers[digest('a')].digest = digest('d');
    writeFileSync(path, JSON.stringify(file));
    const loaded = LayerDigestCache.load(path);
    expect(loaded.dropped).toBe(1);
    expect(loaded.get(digest('a'), 1000)).toBeUndefined();
    expect(loaded.get(digest('c'), 1000)).toEqual({ digest: digest('d'), size: 300 });
  });

  test('a damaged file is an empty cache, and the next save replaces it', () => {
    writeFileSync(join(dir, 'broken.json'), '{"version":1,"layers":{');
    const cache = LayerDigestCache.load(join(dir, 'broken.json'));
    expect(cache.size).toBe(0);
    cache.set(digest('a'), 1, { digest: digest('b'), size: 1 });
    cache.save();
    expect(LayerDigestCache.load(join(dir, 'broken.json')).get(digest('a'), 1)).toBeDefined();
  });

  test('saving keeps what another job wrote since this one read the file', () => {
    const mine = LayerDigestCache.load(path);
    const theirs = LayerDigestCache.load(path);
    theirs.set(digest('1'), 1, { digest: digest('2'), size: 2 });
    theirs.save();
    mine.set(digest('3'), 3, { digest: digest('4'), size: 4 });
    mine.save();
    const merged = LayerDigestCache.load(path);
    expect(merged.get(digest('1'), 1)).toBeDefined();
    expect(merged.get(digest('3'), 3)).toBeDefined();
  });

  test('refuses to record what is not a sha256 digest', () => {
    expect(() => LayerDigestCache.load(path).set('md5:00', 1, { digest: digest('b'), size: 1 })).toThrow(
      /not a sha256 digest/,
    );
  });
});
