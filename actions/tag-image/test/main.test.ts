import { createHash } from 'node:crypto';
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import { inputEnv, runInProcess } from '../../build-push/test/in-process.js';
import type { Fetch } from '../../lib/src/docker/registry-client.js';
import { run, type TagImageDeps } from '../src/main.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, layers: [] }));
const digest = sha256(body);
const ECR_HOST = '123456789012.dkr.ecr.eu-central-1.amazonaws.com';

/** A registry behind Basic auth holding one manifest by digest; records each request's method, path and auth. */
function basicRegistry(origin: string, user: string, password: string) {
  const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const tags = new Map<string, string>();
  const requests: { method: string; path: string; authorized: boolean }[] = [];
  const fetchImpl: Fetch = async (input, init) => {
    const url = new URL(String(input));
    if (url.origin !== origin) throw new Error(`request to another origin: ${url.href}`);
    const method = init?.method ?? 'GET';
    const authorized = (init?.headers as Record<string, string> | undefined)?.authorization === expected;
    requests.push({ method, path: url.pathname, authorized });
    if (!authorized)
      return new Response(null, { status: 401, headers: { 'www-authenticate': 'Basic realm="test"' } });
    const reference = url.pathname.split('/manifests/')[1] ?? '';
    if (method === 'PUT') {
      tags.set(reference, sha256(Buffer.from(init?.body as Uint8Array)));
      return new Response(null, { status: 201, headers: { 'docker-content-digest': digest } });
    }
    const named = reference === digest ? digest : tags.get(reference);
    if (named === undefined) return new Response(null, { status: 404 });
    const headers = { 'docker-content-digest': named, 'content-type': OCI_MANIFEST };
    return new Response(method === 'HEAD' ? null : new Uint8Array(body), { headers });
  };
  return { fetchImpl, tags, requests };
}

const ecr = mockClient(ECRClient);
afterAll(() => ecr.restore());
beforeEach(() => ecr.reset());

function deps(fetchImpl: Fetch): TagImageDeps {
  return {
    createEcrClient: (region) => new ECRClient({ region }),
    fetch: fetchImpl,
    retry: { attempts: 2, baseMs: 1, maxMs: 1, sleep: async () => {} },
  };
}

describe('run', () => {
  test('with a password: every tag names the digest; outputs and summary say so', async () => {
    const registry = basicRegistry('http://127.0.0.1:5000', 'ci', 'a secret');
    registry.tags.set('abc1234', digest);
    const step = await runInProcess(
      inputEnv({
        image: `127.0.0.1:5000/team/app@${digest}`,
        tags: '127.0.0.1:5000/team/app:v1.2.3\n127.0.0.1:5000/team/app:abc1234',
        registry: '127.0.0.1:5000',
        username: 'ci',
        password: 'a secret',
      }),
      () => run(deps(registry.fetchImpl)),
    );
    expect(step.outputs).toEqual({
      tags: '127.0.0.1:5000/team/app:v1.2.3\n127.0.0.1:5000/team/app:abc1234',
      digest,
      'image-ref': `127.0.0.1:5000/team/app@${digest}`,
    });
    expect(Object.fromEntries(registry.tags)).toEqual({ 'v1.2.3': digest, abc1234: digest });
    // One challenge, then the credentials with every request: the manifest read once, one PUT (abc1234 was there).
    expect(registry.requests.map((r) => `${r.method} ${r.path}${r.authorized ? '' : ' (no auth)'}`)).toEqual([
      `GET /v2/team/app/manifests/${digest} (no auth)`,
      `GET /v2/team/app/manifests/${digest}`,
      'HEAD /v2/team/app/manifests/v1.2.3',
      'PUT /v2/team/app/manifests/v1.2.3',
      'HEAD /v2/team/app/manifests/abc1234',
    ]);
    expect(step.summary).toContain('<h2>Tagged 127.0.0.1:5000/team/app</h2>');
    expect(step.summary).toContain(
      '<tr><td><code>127.0.0.1:5000/team/app:v1.2.3</code></td><td>added</td></tr>' +
        '<tr><td><code>127.0.0.1:5000/team/app:abc1234</code></td><td>already named this image</td></tr>',
    );
    expect(step.summary).not.toContain('a secret');
  });

  test("on ECR: logs in for the account the image's host names, and tags with the token", async () => {
    ecr.on(GetAuthorizationTokenCommand).resolves({
      authorizationData: [
        {
          authorizationToken: Buffer.from('AWS:ecr-token').toString('base64'),
          proxyEndpoint: `https://${ECR_HOST}`,
        },
      ],
    });
    const registry = basicRegistry(`https://${ECR_HOST}`, 'AWS', 'ecr-token');
    const step = await runInProcess(
      inputEnv({
        image: `${ECR_HOST}/shop/api@${digest}`,
        tags: 'v1',
        registry: 'ecr',
        'aws-region': 'eu-central-1',
      }),
      () => run(deps(registry.fetchImpl)),
    );
    expect(ecr.commandCalls(GetAuthorizationTokenCommand)[0]?.args[0].input).toEqual({
      registryIds: ['123456789012'],
    });
    expect(step.outputs.tags).toBe(`${ECR_HOST}/shop/api:v1`);
    expect(registry.tags.get('v1')).toBe(digest);
  });

  test('an ECR login for another registry than the image is in says which inputs to set', async () => {
    ecr.on(GetAuthorizationTokenCommand).resolves({
      authorizationData: [
        {
          authorizationToken: Buffer.from('AWS:ecr-token').toString('base64'),
          proxyEndpoint: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com',
        },
      ],
    });
    const registry = basicRegistry(`https://${ECR_HOST}`, 'AWS', 'ecr-token');
    await expect(
      runInProcess(
        inputEnv({
          image: `${ECR_HOST}/shop/api@${digest}`,
          tags: 'v1',
          registry: 'ecr',
          'aws-region': 'us-east-1',
        }),
        () => run(deps(registry.fetchImpl)),
      ),
    ).rejects.toThrow(
      `The ECR login is for 123456789012.dkr.ecr.us-east-1.amazonaws.com, but the input 'image' is in ${ECR_HOST}: ` +
        `set 'aws-region' (and 'ecr-registry-id') to the region and account of ${ECR_HOST}.`,
    );
    expect(registry.requests).toEqual([]);
  });

  test('a tag-only image is refused before any login', async () => {
    await expect(
      runInProcess(inputEnv({ image: '127.0.0.1:5000/team/app:v1', tags: 'v2', registry: 'ecr' }), () =>
        run(deps(async () => Response.error())),
      ),
    ).rejects.toThrow(
      "Invalid input 'image': '127.0.0.1:5000/team/app:v1'. Expected a reference pinned by digest",
    );
    expect(ecr.commandCalls(GetAuthorizationTokenCommand)).toEqual([]);
  });
});
