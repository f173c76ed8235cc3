import { describe, expect, test } from 'vitest';
import { type Fetch, RegistryClient } from '../../src/docker/registry-client.js';

/** A registry (and token service) that answers from a list, one response per request, recording URLs. */
function scripted(...responses: Response[]) {
  const urls: string[] = [];
  const fetchImpl: Fetch = async (input) => {
    urls.push(String(input));
    const next = responses.shift();
    if (next === undefined) throw new Error(`unexpected request ${String(input)}`);
    return next;
  };
  return { fetchImpl, urls };
}

const image = { registry: 'registry.example', repository: 'team/app' };
const challenge = (value: string) =>
  new Response(null, { status: 401, headers: { 'www-authenticate': value } });

describe('RegistryClient refusals', () => {
  test('Basic credentials the registry refuses name the user, never the password', async () => {
    const { fetchImpl } = scripted(challenge('Basic realm="r"'), new Response(null, { status: 401 }));
    const client = new RegistryClient({ username: 'ci', password: 'hunter2' }, fetchImpl);
    const error = await client.manifestDigest(image, 'v1').catch((e: Error) => e);
    expect((error as Error).message).toBe(
      "the registry registry.example refused the credentials of user 'ci' (HTTP 401)",
    );
    expect((error as Error).message).not.toContain('hunter2');
  });

  test('a token service that fails otherwise is quoted briefly, from its JSON errors', async () => {
    const { fetchImpl, urls } = scripted(
      challenge('Bearer realm="https://auth.example/token",service="reg",scope="repository:team/app:pull"'),
      Response.json({ errors: [{ code: 'UNAVAILABLE', message: 'try   later' }] }, { status: 503 }),
    );
    const client = new RegistryClient(undefined, fetchImpl);
    await expect(client.manifestDigest(image, 'v1')).rejects.toThrow(
      'the token service https://auth.example answered HTTP 503: try later',
    );
    expect(urls[1]).toBe('https://auth.example/token?service=reg&scope=repository%3Ateam%2Fapp%3Apull');
  });

  test('anonymous access the token service refuses asks for credentials', async () => {
    const { fetchImpl } = scripted(
      challenge('Bearer realm="https://auth.example/token",service="reg"'),
      new Response('denied', { status: 401 }),
    );
    await expect(new RegistryClient(undefined, fetchImpl).manifestDigest(image, 'v1')).rejects.toThrow(
      'the token service https://auth.example refused anonymous access (HTTP 401: denied): give registry credentials',
    );
  });
});
