import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readRegistryCredentials } from '../../../../sandbox/src/registry.js';
import { useSandbox } from '../../../../sandbox/src/testing.js';
import type { ImageRepository } from '../../src/docker/image-ref.js';
import { RegistryApiError, RegistryClient } from '../../src/docker/registry-client.js';
import { pushTestImage, startTokenRegistry, TOKEN_SERVICE, type TokenRegistry } from './token-registry.js';

/**
 * The Bearer-token flow build-push uses to read a pushed digest back (Docker Hub, GHCR), against the real
 * CNCF registry in token mode and a token server that checks Basic credentials.
 */
describe('RegistryClient against docker-registry in token-auth mode', () => {
  let registry: TokenRegistry;
  const repository = `k8s-ship-itg/token-${process.pid}`;
  const users = {
    deployer: { password: 'correct horse battery staple', repositories: [repository] },
    outsider: { password: 'another secret entirely', repositories: [] },
  };
  let digest: string;

  beforeAll(async () => {
    registry = await startTokenRegistry(users);
    digest = await pushTestImage(registry, 'deployer', repository, 'v1');
    registry.tokenRequests.length = 0;
  });

  afterAll(async () => {
    await registry?.stop();
  });

  const image = () => ({ registry: registry.address, repository });

  test('reads the digest with a token fetched by Basic credentials for exactly the scope the registry asked', async () => {
    const challenge = await fetch(`${registry.url}/v2/${repository}/manifests/v1`, { method: 'HEAD' });
    expect(challenge.status).toBe(401);
    const asked = challenge.headers.get('www-authenticate') ?? '';
    expect(asked).toMatch(/^Bearer /);

    const client = new RegistryClient({ username: 'deployer', password: users.deployer.password });
    expect(await client.manifestDigest(image(), 'v1')).toBe(digest);
    expect(registry.tokenRequests).toEqual([
      { user: 'deployer', service: TOKEN_SERVICE, scopes: [`repository:${repository}:pull`], status: 200 },
    ]);
    expect(asked).toContain(`scope="repository:${repository}:pull"`);
  });

  test('a tag the registry does not have is undefined, not an error', async () => {
    const client = new RegistryClient({ username: 'deployer', password: users.deployer.password });
    expect(await client.manifestDigest(image(), 'no-such-tag')).toBeUndefined();
  });

  test('a wrong password is refused by the token service with an error that says so', async () => {
    registry.tokenRequests.length = 0;
    const client = new RegistryClient({ username: 'deployer', password: 'not the password' });
    const error = await client.manifestDigest(image(), 'v1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryApiError);
    expect((error as RegistryApiError).status).toBe(401);
    expect((error as Error).message).toBe(
      `the token service ${new URL(registry.realm).origin} refused the credentials of user 'deployer' ` +
        `(HTTP 401: incorrect username or password): check the registry username and password`,
    );
    expect((error as Error).message).not.toContain('not the password');
    expect(registry.tokenRequests.map((r) => r.status)).toEqual([401]);
  });

  test('a token without pull access is refused by the registry with an error naming the scope', async () => {
    const client = new RegistryClient({ username: 'outsider', password: users.outsider.password });
    await expect(client.manifestDigest(image(), 'v1')).rejects.toThrow(
      `the registry ${registry.address} refused the token for repository:${repository}:pull (HTTP 401): ` +
        `user 'outsider' may not pull ${repository}`,
    );
  });
});

/** A config and a layer as one image's blobs, and the OCI manifest naming them. */
function testImage(label: string) {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', label }));
  const layer = randomBytes(512);
  const descriptor = (mediaType: string, blob: Buffer) => ({
    mediaType,
    digest: sha256(blob),
    size: blob.length,
  });
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: descriptor('application/vnd.oci.image.config.v1+json', config),
      layers: [descriptor('application/vnd.oci.image.layer.v1.tar', layer)],
    }),
  );
  return { config, layer, manifest, digest: sha256(manifest) };
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** Pushes an image by digest only, as build-push's push-by-digest does: blobs, then the manifest by digest. */
async function pushByDigest(
  client: RegistryClient,
  image: ImageRepository,
  built: ReturnType<typeof testImage>,
) {
  for (const blob of [built.config, built.layer]) {
    if (!(await client.hasBlob(image, sha256(blob)))) await client.uploadBlob(image, sha256(blob), blob);
  }
  return client.putManifest(image, built.digest, OCI_MANIFEST, built.manifest);
}

describe('RegistryClient writes to the sandbox registry (docker-registry, Basic auth)', () => {
  let registry: { url: string; address: string; username: string; password: string };
  const repository = `k8s-ship-itg/registry-client-${process.pid}`;
  const pushed: string[] = [];
  const image = () => ({ registry: registry.address, repository });
  const client = () => new RegistryClient({ username: registry.username, password: registry.password });

  beforeAll(async () => {
    const sandbox = await useSandbox(['registry']);
    const credentials = readRegistryCredentials({
      credentialsFile: sandbox.registry.credentialsFile,
    } as Parameters<typeof readRegistryCredentials>[0]);
    registry = { ...credentials, url: sandbox.registry.url, address: sandbox.registry.address };
  });

  afterAll(async () => {
    const authorization = `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}`;
    for (const digest of pushed) {
      await fetch(`${registry.url}/v2/${repository}/manifests/${digest}`, {
        method: 'DELETE',
        headers: { authorization },
      });
    }
  });

  test('a blob uploaded is then in the repository; one never uploaded is not', async () => {
    const blob = randomBytes(1024);
    expect(await client().hasBlob(image(), sha256(blob))).toBe(false);
    await client().uploadBlob(image(), sha256(blob), blob);
    expect(await client().hasBlob(image(), sha256(blob))).toBe(true);
  });

  test('a blob sent under a digest its content does not have is refused by the registry, in its words', async () => {
    const blob = randomBytes(256);
    const wrong = sha256(Buffer.from('something else'));
    const error = await client()
      .uploadBlob(image(), wrong, blob)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryApiError);
    expect((error as RegistryApiError).message).toBe(
      `uploading blob ${wrong} to ${registry.address}/${repository} answered HTTP 400: ` +
        'provided digest did not match uploaded content',
    );
    expect(error).toMatchObject({ status: 400, code: 'DIGEST_INVALID' });
    expect(await client().hasBlob(image(), wrong)).toBe(false);
  });

  test('a manifest pushed by digest, read back by digest and put under a tag keeps its digest; tags() lists the tag', async () => {
    const built = testImage('tag me');
    const digest = await pushByDigest(client(), image(), built);
    pushed.push(digest);
    expect(digest).toBe(built.digest);
    expect(await client().tags(image())).not.toContain('scanned');

    const read = await client().manifest(image(), digest);
    expect(read?.digest).toBe(digest);
    expect(read?.mediaType).toBe(OCI_MANIFEST);
    expect(read?.body.equals(built.manifest)).toBe(true);

    const reader = client();
    const tagged = await reader.putManifest(
      image(),
      'scanned',
      read?.mediaType as string,
      read?.body as Buffer,
    );
    expect(tagged).toBe(digest);
    expect(await reader.manifestDigest(image(), 'scanned')).toBe(digest);
    expect(await reader.tags(image())).toContain('scanned');
  });

  test('tags() of a repository nothing was pushed to is empty', async () => {
    expect(await client().tags({ registry: registry.address, repository: `${repository}-none` })).toEqual([]);
  });

  test('a manifest naming a blob the repository lacks is refused, naming the reference', async () => {
    const built = testImage('missing layer');
    await expect(client().putManifest(image(), built.digest, OCI_MANIFEST, built.manifest)).rejects.toThrow(
      `putting the manifest ${registry.address}/${repository}@${built.digest} answered HTTP 400: blob unknown to registry`,
    );
  });
});

describe('RegistryClient pushes through docker-registry in token-auth mode', () => {
  let registry: TokenRegistry;
  const repository = `k8s-ship-itg/token-push-${process.pid}`;
  const users = { pusher: { password: 'a push password', repositories: [repository] } };

  beforeAll(async () => {
    registry = await startTokenRegistry(users);
  });

  afterAll(async () => {
    await registry?.stop();
  });

  test('a whole push by digest, then a tag, asks the token service for one push token only', async () => {
    const image = { registry: registry.address, repository };
    const client = new RegistryClient({ username: 'pusher', password: users.pusher.password });
    const built = testImage('token push');
    expect(await pushByDigest(client, image, built)).toBe(built.digest);
    const read = await client.manifest(image, built.digest);
    expect(await client.putManifest(image, 'v1', OCI_MANIFEST, read?.body as Buffer)).toBe(built.digest);
    expect(await client.tags(image)).toEqual(['v1']);

    const pushTokens = registry.tokenRequests.filter((r) =>
      r.scopes.some((scope) => scope.split(':')[2]?.split(',').includes('push')),
    );
    expect(pushTokens).toHaveLength(1);
    expect(pushTokens[0]).toMatchObject({ user: 'pusher', status: 200 });
    // The scope as the registry asked for it, whichever order it names the actions in.
    expect(pushTokens[0]?.scopes).toHaveLength(1);
    expect(pushTokens[0]?.scopes[0]).toMatch(new RegExp(`^repository:${repository}:(pull,push|push,pull)$`));
    // One more for the first read at most: the push token opens every later read.
    expect(registry.tokenRequests.length).toBeLessThanOrEqual(2);
  });
});
