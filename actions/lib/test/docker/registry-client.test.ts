import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import {
  type Fetch,
  isTransientRegistryError,
  nextLink,
  RegistryApiError,
  RegistryClient,
} from '../../src/docker/registry-client.js';

/** A registry (and token service) that answers from a list, one response per request, recording URLs. */
function scripted(...responses: Response[]) {
  const urls: string[] = [];
  const inits: (RequestInit | undefined)[] = [];
  const fetchImpl: Fetch = async (input, init) => {
    urls.push(String(input));
    inits.push(init);
    const next = responses.shift();
    if (next === undefined) throw new Error(`unexpected request ${String(input)}`);
    return next;
  };
  return { fetchImpl, urls, inits };
}

const image = { registry: 'registry.example', repository: 'team/app' };
const challenge = (value: string) =>
  new Response(null, { status: 401, headers: { 'www-authenticate': value } });
const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const manifestBytes = Buffer.from(
  JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: {}, layers: [] }),
);
const registryError = (status: number, code: string, message: string) =>
  Response.json({ errors: [{ code, message }] }, { status });
const headerOf = (init: RequestInit | undefined, name: string) =>
  (init?.headers as Record<string, string> | undefined)?.[name];

interface SeenRequest {
  method: string;
  url: URL;
  authorization?: string;
}

/**
 * A registry in token-auth mode, in memory, with the distribution spec's answers: 401 and a challenge
 * naming the scope a request needs (the actions spelled as `pushScope` says), blobs checked against their
 * digest, manifests stored byte for byte, tags listed `pageSize` at a time with Link headers.
 */
function tokenRegistry(
  options: { pushScope?: string; pageSize?: number; location?: (id: string) => string } = {},
) {
  const realm = 'https://auth.example/token';
  const tokenRequests: string[] = [];
  const requests: SeenRequest[] = [];
  const tokens = new Map<string, Set<string>>();
  const blobs = new Map<string, Buffer>();
  const manifests = new Map<string, { body: Buffer; mediaType: string }>();
  const tags = new Map<string, string>();
  let uploads = 0;
  const ask = (actions: string) =>
    challenge(`Bearer realm="${realm}",service="reg",scope="repository:${image.repository}:${actions}"`);

  const fetchImpl: Fetch = async (input, init) => {
    const url = new URL(String(input));
    const method = init?.method ?? 'GET';
    const authorization = headerOf(init, 'authorization');
    if (url.origin === 'https://auth.example') {
      const scope = url.searchParams.get('scope') ?? '';
      tokenRequests.push(scope);
      const token = `token-${tokenRequests.length}`;
      tokens.set(token, new Set(scope.split(':')[2]?.split(',')));
      return Response.json({ token });
    }
    requests.push({ method, url, authorization });
    const writes = method === 'PUT' || method === 'POST';
    const granted = tokens.get(authorization?.replace(/^Bearer /, '') ?? '');
    if (granted === undefined || !granted.has('pull') || (writes && !granted.has('push')))
      return ask(writes ? (options.pushScope ?? 'pull,push') : 'pull');
    const path = url.pathname.slice(`/v2/${image.repository}/`.length);
    const body = init?.body === undefined ? Buffer.alloc(0) : Buffer.from(init.body as Uint8Array);
    if (method === 'HEAD' && path.startsWith('blobs/'))
      return new Response(null, { status: blobs.has(path.slice(6)) ? 200 : 404 });
    if (method === 'POST' && path === 'blobs/uploads/') {
      const id = `upload-${++uploads}`;
      const location = options.location?.(id) ?? `/v2/${image.repository}/blobs/uploads/${id}?_state=s${id}`;
      return new Response(null, { status: 202, headers: { location } });
    }
    if (method === 'PUT' && path.startsWith('blobs/uploads/')) {
      const digest = url.searchParams.get('digest') ?? '';
      if (sha256(body) !== digest)
        return registryError(400, 'DIGEST_INVALID', 'provided digest did not match uploaded content');
      blobs.set(digest, body);
      return new Response(null, { status: 201, headers: { 'docker-content-digest': digest } });
    }
    if (path.startsWith('manifests/')) {
      const reference = path.slice('manifests/'.length);
      if (method === 'PUT') {
        const digest = sha256(body);
        manifests.set(digest, { body, mediaType: headerOf(init, 'content-type') ?? '' });
        if (!reference.startsWith('sha256:')) tags.set(reference, digest);
        return new Response(null, { status: 201, headers: { 'docker-content-digest': digest } });
      }
      const stored = manifests.get(tags.get(reference) ?? reference);
      if (stored === undefined) return registryError(404, 'MANIFEST_UNKNOWN', 'manifest unknown');
      const headers = { 'docker-content-digest': sha256(stored.body), 'content-type': stored.mediaType };
      return new Response(method === 'HEAD' ? null : new Uint8Array(stored.body), { status: 200, headers });
    }
    if (method === 'GET' && path === 'tags/list') {
      const all = [...tags.keys()].sort();
      const last = url.searchParams.get('last');
      const from = last === null ? 0 : all.indexOf(last) + 1;
      const size = options.pageSize ?? 100;
      const page = all.slice(from, from + size);
      const headers: Record<string, string> = {};
      if (from + size < all.length)
        headers.link = `</v2/${image.repository}/tags/list?n=${size}&last=${page.at(-1)}>; rel="next"`;
      return Response.json({ name: image.repository, tags: page }, { headers });
    }
    return registryError(404, 'UNSUPPORTED', `no route for ${method} ${path}`);
  };
  return { fetchImpl, tokenRequests, requests, blobs, manifests, tags };
}

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

  test('a push the token does not open names the scope and says the user may not push', async () => {
    const { fetchImpl } = scripted(
      challenge(
        'Bearer realm="https://auth.example/token",service="reg",scope="repository:team/app:pull,push"',
      ),
      Response.json({ token: 'pull-only' }),
      registryError(401, 'UNAUTHORIZED', 'authentication required'),
    );
    const client = new RegistryClient({ username: 'reader', password: 'pw' }, fetchImpl);
    const error = await client.putManifest(image, 'v1', OCI_MANIFEST, manifestBytes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryApiError);
    expect((error as Error).message).toBe(
      'the registry registry.example refused the token for repository:team/app:pull,push ' +
        "(HTTP 401: authentication required): user 'reader' may not push to team/app",
    );
  });

  test('Basic credentials are sent at once after the first challenge, not challenged again', async () => {
    const { fetchImpl, inits } = scripted(
      challenge('Basic realm="r"'),
      new Response(null, { status: 404 }),
      new Response(null, { status: 200 }),
    );
    const client = new RegistryClient({ username: 'ci', password: 'pw' }, fetchImpl);
    expect(await client.hasBlob(image, sha256('a'))).toBe(false);
    expect(await client.hasBlob(image, sha256('b'))).toBe(true);
    expect(headerOf(inits[0], 'authorization')).toBeUndefined();
    expect(headerOf(inits[1], 'authorization')).toMatch(/^Basic /);
    expect(headerOf(inits[2], 'authorization')).toMatch(/^Basic /);
  });
});

describe('RegistryClient reads a manifest as raw bytes', () => {
  test('by digest: the bytes, their digest and the media type the registry serves', async () => {
    const digest = sha256(manifestBytes);
    const { fetchImpl, urls } = scripted(
      new Response(new Uint8Array(manifestBytes), {
        headers: { 'content-type': OCI_MANIFEST, 'docker-content-digest': digest },
      }),
    );
    const manifest = await new RegistryClient(undefined, fetchImpl).manifest(image, digest);
    expect(manifest).toEqual({ digest, mediaType: OCI_MANIFEST, body: manifestBytes });
    expect(urls).toEqual([`https://registry.example/v2/team/app/manifests/${digest}`]);
  });

  test('by digest: bytes that do not hash to the digest asked for are refused, whatever the header says', async () => {
    const digest = sha256(manifestBytes);
    const { fetchImpl } = scripted(
      new Response('{"schemaVersion":2,"tampered":true}', {
        headers: { 'content-type': OCI_MANIFEST, 'docker-content-digest': digest },
      }),
    );
    await expect(new RegistryClient(undefined, fetchImpl).manifest(image, digest)).rejects.toThrow(
      `the registry registry.example served a manifest for registry.example/team/app@${digest} whose digest is ` +
        `${sha256('{"schemaVersion":2,"tampered":true}')}, not ${digest}`,
    );
  });

  test('by tag: the digest is the one the bytes hash to, and must agree with the one reported', async () => {
    const { fetchImpl } = scripted(
      new Response(new Uint8Array(manifestBytes), { headers: { 'docker-content-digest': sha256('other') } }),
    );
    await expect(new RegistryClient(undefined, fetchImpl).manifest(image, 'v1')).rejects.toThrow(
      `served a manifest for registry.example/team/app:v1 whose digest is ${sha256(manifestBytes)}, not ${sha256('other')} as it reported`,
    );
  });

  test('the media type comes from the manifest itself when the Content-Type is generic', async () => {
    const { fetchImpl } = scripted(
      new Response(new Uint8Array(manifestBytes), { headers: { 'content-type': 'application/json' } }),
    );
    const manifest = await new RegistryClient(undefined, fetchImpl).manifest(image, 'v1');
    expect(manifest?.mediaType).toBe(OCI_MANIFEST);
    expect(manifest?.digest).toBe(sha256(manifestBytes));
  });

  test('a manifest the registry does not have is undefined; another failure quotes the registry', async () => {
    const { fetchImpl } = scripted(
      registryError(404, 'MANIFEST_UNKNOWN', 'manifest unknown'),
      registryError(500, 'UNKNOWN', 'storage   backend down'),
    );
    const client = new RegistryClient(undefined, fetchImpl);
    expect(await client.manifest(image, 'v1')).toBeUndefined();
    const error = await client.manifest(image, 'v1').catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      'reading the manifest registry.example/team/app:v1 answered HTTP 500: storage backend down',
    );
    expect(error).toMatchObject({ status: 500, code: 'UNKNOWN' });
    expect(isTransientRegistryError(error)).toBe(true);
  });

  test('a reference that is neither a tag nor a digest never reaches the registry', async () => {
    const { fetchImpl, urls } = scripted();
    await expect(new RegistryClient(undefined, fetchImpl).manifest(image, '../../etc')).rejects.toThrow(
      "'../../etc' is neither a tag nor a sha256 digest, so it names nothing in registry.example/team/app",
    );
    expect(urls).toEqual([]);
  });
});

describe('RegistryClient writes', () => {
  test('putManifest sends the bytes with their media type and returns the digest the registry reports', async () => {
    const digest = sha256(manifestBytes);
    const { fetchImpl, inits, urls } = scripted(
      new Response(null, { status: 201, headers: { 'docker-content-digest': digest } }),
    );
    const client = new RegistryClient(undefined, fetchImpl);
    expect(await client.putManifest(image, 'v1', OCI_MANIFEST, manifestBytes)).toBe(digest);
    expect(urls).toEqual(['https://registry.example/v2/team/app/manifests/v1']);
    expect(inits[0]?.method).toBe('PUT');
    expect(headerOf(inits[0], 'content-type')).toBe(OCI_MANIFEST);
    expect(Buffer.from(inits[0]?.body as Uint8Array).equals(manifestBytes)).toBe(true);
  });

  test('an immutable tag refused by the registry is an error naming the tag, the status and its words', async () => {
    const said =
      "The image tag 'v1' already exists in the 'team/app' repository and cannot be overwritten because the repository is immutable.";
    const { fetchImpl } = scripted(registryError(400, 'TAG_INVALID', said));
    const error = await new RegistryClient(undefined, fetchImpl)
      .putManifest(image, 'v1', OCI_MANIFEST, manifestBytes)
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `putting the manifest registry.example/team/app:v1 answered HTTP 400: ${said}`,
    );
    expect(error).toMatchObject({ status: 400, code: 'TAG_INVALID' });
    expect(isTransientRegistryError(error)).toBe(false);
  });

  test('hasBlob: 200 and a redirect to storage are true, 404 false, and the redirect is not followed', async () => {
    const { fetchImpl, inits } = scripted(
      new Response(null, { status: 200 }),
      new Response(null, { status: 307, headers: { location: 'https://storage.example/blob?sig=x' } }),
      new Response(null, { status: 404 }),
    );
    const client = new RegistryClient(undefined, fetchImpl);
    expect(await client.hasBlob(image, sha256('a'))).toBe(true);
    expect(await client.hasBlob(image, sha256('b'))).toBe(true);
    expect(await client.hasBlob(image, sha256('c'))).toBe(false);
    expect(inits.map((init) => [init?.method, init?.redirect])).toEqual(Array(3).fill(['HEAD', 'manual']));
  });

  test.each([
    ['relative, with its own query', '/v2/team/app/blobs/uploads/u1?_state=abc', 'https://registry.example'],
    [
      'absolute on the registry',
      'https://registry.example/v2/team/app/blobs/uploads/u1?_state=abc',
      'https://registry.example',
    ],
    ['relative to the uploads folder', 'u1?_state=abc', 'https://registry.example'],
  ])('uploadBlob: a Location %s gets the digest added to its query', async (_what, location, origin) => {
    const blob = Buffer.from('layer bytes');
    const { fetchImpl, urls, inits } = scripted(
      new Response(null, { status: 202, headers: { location } }),
      new Response(null, { status: 201 }),
    );
    await new RegistryClient(undefined, fetchImpl).uploadBlob(image, sha256(blob), blob);
    expect(urls[0]).toBe('https://registry.example/v2/team/app/blobs/uploads/');
    expect(inits[0]?.method).toBe('POST');
    const put = new URL(urls[1] as string);
    expect(put.origin).toBe(origin);
    expect(put.pathname).toBe('/v2/team/app/blobs/uploads/u1');
    expect(put.searchParams.get('_state')).toBe('abc');
    expect(put.searchParams.get('digest')).toBe(sha256(blob));
    expect(inits[1]?.method).toBe('PUT');
    expect(headerOf(inits[1], 'content-type')).toBe('application/octet-stream');
  });

  test('uploadBlob: the credentials never go to an upload Location on another host', async () => {
    const blob = Buffer.from('layer bytes');
    const { fetchImpl, urls, inits } = scripted(
      challenge('Basic realm="r"'),
      new Response(null, { status: 202, headers: { location: 'https://uploads.example/u1?sig=x' } }),
      new Response(null, { status: 201 }),
    );
    await new RegistryClient({ username: 'ci', password: 'pw' }, fetchImpl).uploadBlob(
      image,
      sha256(blob),
      blob,
    );
    expect(headerOf(inits[1], 'authorization')).toMatch(/^Basic /);
    expect(urls[2]).toBe(`https://uploads.example/u1?sig=x&digest=${encodeURIComponent(sha256(blob))}`);
    expect(headerOf(inits[2], 'authorization')).toBeUndefined();
  });

  test('uploadBlob: a digest the content does not have is refused by the registry, in its words', async () => {
    const registry = tokenRegistry();
    const client = new RegistryClient({ username: 'ci', password: 'pw' }, registry.fetchImpl);
    const wrong = sha256('other bytes');
    const error = await client.uploadBlob(image, wrong, Buffer.from('layer')).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `uploading blob ${wrong} to registry.example/team/app answered HTTP 400: provided digest did not match uploaded content`,
    );
    expect(error).toMatchObject({ status: 400, code: 'DIGEST_INVALID' });
    expect(registry.blobs.size).toBe(0);
  });

  test('a network failure names the registry and is transient', async () => {
    const fetchImpl: Fetch = async () => {
      throw Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      });
    };
    const error = await new RegistryClient(undefined, fetchImpl)
      .putManifest(image, 'v1', OCI_MANIFEST, manifestBytes)
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      'putting the manifest registry.example/team/app:v1: could not reach registry.example (ECONNRESET read ECONNRESET)',
    );
    expect(isTransientRegistryError(error)).toBe(true);
  });
});

describe('RegistryClient with Bearer tokens', () => {
  test('a push asks for one pull token and one push token, then reuses them for every request', async () => {
    const registry = tokenRegistry();
    const client = new RegistryClient({ username: 'ci', password: 'pw' }, registry.fetchImpl);
    const config = Buffer.from('{"config":{}}');
    const layer = Buffer.from('layer');
    for (const blob of [config, layer]) {
      if (!(await client.hasBlob(image, sha256(blob)))) await client.uploadBlob(image, sha256(blob), blob);
    }
    const digest = await client.putManifest(image, sha256(manifestBytes), OCI_MANIFEST, manifestBytes);
    expect(await client.putManifest(image, 'v1', OCI_MANIFEST, manifestBytes)).toBe(digest);
    expect(await client.hasBlob(image, sha256(layer))).toBe(true);

    expect(registry.tokenRequests).toEqual(['repository:team/app:pull', 'repository:team/app:pull,push']);
    // Two challenges in all: the first read and the first write; everything else went with a token.
    expect(registry.requests.filter((r) => r.authorization === undefined)).toHaveLength(2);
  });

  test('a registry that spells the push scope push,pull gets the same one token, asked as it spelled it', async () => {
    const registry = tokenRegistry({ pushScope: 'push,pull' });
    const client = new RegistryClient({ username: 'ci', password: 'pw' }, registry.fetchImpl);
    const blob = Buffer.from('layer');
    await client.uploadBlob(image, sha256(blob), blob);
    await client.putManifest(image, 'v1', OCI_MANIFEST, manifestBytes);
    expect(await client.hasBlob(image, sha256(blob))).toBe(true);
    expect(await client.manifest(image, 'v1')).toMatchObject({ digest: sha256(manifestBytes) });
    // The push token also pulls: no pull token was needed at all.
    expect(registry.tokenRequests).toEqual(['repository:team/app:push,pull']);
  });

  test('requests in parallel share one token request', async () => {
    const registry = tokenRegistry();
    const client = new RegistryClient({ username: 'ci', password: 'pw' }, registry.fetchImpl);
    const blobs = ['a', 'b', 'c', 'd'].map((text) => Buffer.from(text));
    await Promise.all(blobs.map((blob) => client.uploadBlob(image, sha256(blob), blob)));
    expect(registry.blobs.size).toBe(4);
    expect(registry.tokenRequests).toEqual(['repository:team/app:pull,push']);
  });

  test('a token the registry stops accepting (expired) is replaced once, and the request goes through', async () => {
    const { fetchImpl, urls } = scripted(
      challenge('Bearer realm="https://auth.example/token",service="reg",scope="repository:team/app:pull"'),
      Response.json({ token: 'first' }),
      new Response(null, { status: 404 }),
      challenge('Bearer realm="https://auth.example/token",service="reg",scope="repository:team/app:pull"'),
      Response.json({ token: 'second' }),
      new Response(null, { status: 200 }),
    );
    const client = new RegistryClient({ username: 'ci', password: 'pw' }, fetchImpl);
    expect(await client.hasBlob(image, sha256('a'))).toBe(false);
    expect(await client.hasBlob(image, sha256('b'))).toBe(true);
    expect(urls.filter((url) => url.startsWith('https://auth.example'))).toHaveLength(2);
  });

  test('tags() follows the Link header across pages', async () => {
    const registry = tokenRegistry({ pageSize: 2 });
    const client = new RegistryClient({ username: 'ci', password: 'pw' }, registry.fetchImpl);
    for (const tag of ['v1', 'v2', 'v3', 'v4', 'v5'])
      await client.putManifest(image, tag, OCI_MANIFEST, manifestBytes);
    expect(await client.tags(image)).toEqual(['v1', 'v2', 'v3', 'v4', 'v5']);
    // Three pages, each with the push token the writes got (it also pulls).
    expect(registry.requests.filter((r) => r.url.pathname.endsWith('/tags/list'))).toHaveLength(3);
  });

  test('tags() of a repository the registry does not know is empty', async () => {
    const { fetchImpl } = scripted(
      registryError(404, 'NAME_UNKNOWN', 'repository name not known to registry'),
    );
    expect(await new RegistryClient(undefined, fetchImpl).tags(image)).toEqual([]);
  });
});

describe('nextLink', () => {
  test.each([
    ['</v2/a/tags/list?last=b&n=2>; rel="next"', '/v2/a/tags/list?last=b&n=2'],
    ['<https://r.example/v2/a/tags/list?last=b>; rel=next', 'https://r.example/v2/a/tags/list?last=b'],
    ['</x>; rel="prev", </y>; rel="next"', '/y'],
    ['</x>; rel="prev"', undefined],
    [null, undefined],
  ])('%s → %s', (header, target) => {
    expect(nextLink(header)).toBe(target);
  });
});

describe('isTransientRegistryError', () => {
  test.each([
    [new RegistryApiError('answered 503', 503), true],
    [new RegistryApiError('answered 429', 429), true],
    [new RegistryApiError('refused', 401), false],
    [new RegistryApiError('tag invalid', 400), false],
    [new RegistryApiError('blob unknown', 404), false],
    [Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } }), true],
    [new RegistryApiError('unreachable', undefined, { cause: { code: 'ECONNREFUSED' } }), true],
    [Object.assign(new TypeError('fetch failed'), { cause: { code: 'UND_ERR_SOCKET' } }), true],
    [new Error('something else'), false],
  ])('%s: %s', (error, transient) => {
    expect(isTransientRegistryError(error)).toBe(transient);
  });
});
