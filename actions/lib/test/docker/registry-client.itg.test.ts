import { afterAll, beforeAll, describe, expect, test } from 'vitest';
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
