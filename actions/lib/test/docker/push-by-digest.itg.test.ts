import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ensureNodeBaseImage } from '../../../../sandbox/src/base-image.js';
import { type DockerEngine, dockerEnv } from '../../../../sandbox/src/docker-engine.js';
import { readRegistryCredentials } from '../../../../sandbox/src/registry.js';
import { useDockerEngine, useSandbox } from '../../../../sandbox/src/testing.js';
import { LayerDigestCache } from '../../src/docker/layer-digest-cache.js';
import { type BlobRegistry, pushSavedImage } from '../../src/docker/push-by-digest.js';
import { RegistryClient } from '../../src/docker/registry-client.js';
import { TarFile } from '../../src/docker/tar-reader.js';
import { sha256 } from './saved-image.js';

describe('pushSavedImage with what the real docker saves, to the real registry', () => {
  let engine: DockerEngine;
  let dir: string;
  let registry: { url: string; address: string; username: string; password: string };
  let base: string;
  const repository = `k8s-ship-itg/push-by-digest-${process.pid}`;

  beforeAll(async () => {
    const sandbox = await useSandbox(['docker', 'registry']);
    engine = await useDockerEngine();
    const credentials = readRegistryCredentials({
      credentialsFile: sandbox.registry.credentialsFile,
    } as Parameters<typeof readRegistryCredentials>[0]);
    registry = { ...credentials, url: sandbox.registry.url, address: sandbox.registry.address };
    base = await ensureNodeBaseImage(engine, 'runtime');
    dir = mkdtempSync(join(tmpdir(), 'push-by-digest-itg-'));
    execFileSync('docker', ['save', '--output', join(dir, 'base.tar'), base], { env: dockerEnv(engine) });
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('reads the save format of the installed docker and pushes it by digest', async () => {
    const tar = await TarFile.open(join(dir, 'base.tar'));
    // Docker before 25 (Debian 12's 20.10 here) saves a Docker archive; 25 and later an OCI layout.
    const oci = tar.resolve('index.json') !== undefined;
    console.info(`docker save wrote ${oci ? 'an OCI layout' : 'a Docker archive'}`);
    const client = new RegistryClient({ username: registry.username, password: registry.password });
    // The real client, with its uploads counted.
    const uploads: string[] = [];
    const blobs: BlobRegistry = {
      hasBlob: (image, digest) => client.hasBlob(image, digest),
      putManifest: (image, reference, mediaType, body) =>
        client.putManifest(image, reference, mediaType, body),
      uploadBlob: (image, digest, body) => {
        uploads.push(digest);
        return client.uploadBlob(image, digest, body);
      },
    };
    const cache = LayerDigestCache.load(join(dir, 'cache.json'));
    const started = Date.now();
    const result = await pushSavedImage(
      join(dir, 'base.tar'),
      { registry: registry.address, repository },
      {
        registry: blobs,
        cache,
        log: { info: console.info, warning: console.warn },
      },
    );
    console.info(`pushed in ${Date.now() - started} ms: ${result.mediaType} ${result.digest}`);
    expect(result.digest).toBe(sha256(result.manifest));
    expect(result.mediaType).toBe(
      oci
        ? 'application/vnd.oci.image.manifest.v1+json'
        : 'application/vnd.docker.distribution.manifest.v2+json',
    );
    const againStarted = Date.now();
    const again = await pushSavedImage(
      join(dir, 'base.tar'),
      { registry: registry.address, repository },
      {
        registry: blobs,
        cache,
      },
    );
    console.info(`pushed again with the layer cache in ${Date.now() - againStarted} ms`);
    expect(again.digest).toBe(result.digest);
    // The second push uploaded nothing: every upload is the first push's layers and config.
    expect(uploads).toHaveLength(result.layers.length + 1);
    expect(again.layers.map((layer) => layer.how)).toEqual(
      result.layers.map(() => 'cached digest, already in the registry'),
    );
    const served = await client.manifest({ registry: registry.address, repository }, result.digest);
    expect(served?.mediaType).toBe(result.mediaType);
    expect(await client.tags({ registry: registry.address, repository })).toEqual([]);
  });
});
