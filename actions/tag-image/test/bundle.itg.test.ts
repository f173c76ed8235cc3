import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadEvent } from '../../../runner/src/events.js';
import { type BundleRun, runBundledAction } from '../../../runner/src/run-bundle.js';
import { readRegistryCredentials } from '../../../sandbox/src/registry.js';
import { useSandbox } from '../../../sandbox/src/testing.js';
import {
  type BasicRegistry,
  deleteManifest,
  readManifest,
  readTags,
} from '../../build-push/test/registry-api.js';

const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repository = `k8s-ship-itg/tag-image-${process.pid}`;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/**
 * Pushes a one-layer OCI image by digest only, as build-push's push-by-digest leaves it: blobs and the
 * manifest under its digest, no tag. Plain fetch with Basic auth, independent of the action's client.
 */
async function pushUntagged(registry: BasicRegistry, label: string): Promise<string> {
  const authorization = `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}`;
  const base = `${registry.url}/v2/${repository}`;
  const blob = async (bytes: Buffer, mediaType: string) => {
    const start = await fetch(`${base}/blobs/uploads/`, { method: 'POST', headers: { authorization } });
    if (start.status !== 202) throw new Error(`upload start: HTTP ${start.status}`);
    const upload = new URL(start.headers.get('location') ?? '', registry.url);
    upload.searchParams.set('digest', sha256(bytes));
    const put = await fetch(upload, {
      method: 'PUT',
      headers: { authorization, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(bytes),
    });
    if (put.status !== 201) throw new Error(`blob: HTTP ${put.status}`);
    return { mediaType, digest: sha256(bytes), size: bytes.length };
  };
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: await blob(
        Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', label })),
        'application/vnd.oci.image.config.v1+json',
      ),
      layers: [await blob(randomBytes(256), 'application/vnd.oci.image.layer.v1.tar')],
    }),
  );
  const digest = sha256(manifest);
  const put = await fetch(`${base}/manifests/${digest}`, {
    method: 'PUT',
    headers: { authorization, 'content-type': OCI_MANIFEST },
    body: new Uint8Array(manifest),
  });
  if (put.status !== 201) throw new Error(`manifest: HTTP ${put.status} ${await put.text()}`);
  return digest;
}

describe('the tag-image bundle against the real sandbox registry', () => {
  let registry: BasicRegistry & { address: string };
  let workspace: string;
  let digest: string;
  let first: BundleRun;
  const pushed: string[] = [];
  const image = () => `${registry.address}/${repository}`;

  const tagImage = (inputs: Record<string, string>) =>
    runBundledAction({
      actionDir,
      node: 'node24',
      event: loadEvent('push'),
      workspace,
      inputs: {
        registry: registry.address,
        username: registry.username,
        password: registry.password,
        ...inputs,
      },
      timeoutMs: 60_000,
    });

  beforeAll(async () => {
    if (!existsSync(join(actionDir, 'dist', 'index.js'))) {
      throw new Error("actions/tag-image/dist is missing: run 'npm run package -- tag-image'");
    }
    const sandbox = await useSandbox(['registry']);
    const credentials = readRegistryCredentials({
      credentialsFile: sandbox.registry.credentialsFile,
    } as Parameters<typeof readRegistryCredentials>[0]);
    registry = { ...credentials, url: sandbox.registry.url, address: sandbox.registry.address };
    workspace = mkdtempSync(join(tmpdir(), 'tag-image-workspace-'));
    digest = await pushUntagged(registry, 'scanned');
    pushed.push(digest);
    expect(await readTags(registry, repository)).toEqual([]);
    // The tags input as build-push outputs it (full references, one a line), plus a bare tag.
    first = await tagImage({
      image: `${image()}@${digest}`,
      tags: `${image()}:0123456789abcdef\n${image()}:0123456\nv1.2.3`,
    });
  });

  afterAll(async () => {
    for (const pushedDigest of pushed) await deleteManifest(registry, repository, pushedDigest);
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  test('succeeds with the tags as references, the digest and the image-ref', () => {
    expect(first.main.errors).toEqual([]);
    expect(first.main.exitCode).toBe(0);
    expect(first.main.outputs).toEqual({
      tags: [`${image()}:0123456789abcdef`, `${image()}:0123456`, `${image()}:v1.2.3`].join('\n'),
      digest,
      'image-ref': `${image()}@${digest}`,
    });
  });

  test('each tag names the same digest in the registry, read back through its API', async () => {
    expect((await readTags(registry, repository)).sort()).toEqual(['0123456', '0123456789abcdef', 'v1.2.3']);
    for (const tag of ['0123456789abcdef', '0123456', 'v1.2.3']) {
      expect((await readManifest(registry, repository, tag))?.digest, `tag ${tag}`).toBe(digest);
    }
  });

  test('the summary lists each tag; the password is masked and in no log, output or summary', () => {
    expect(first.main.summary).toContain(`<code>${image()}:v1.2.3</code></td><td>added</td>`);
    expect(first.main.masks).toContain(registry.password);
    const stdoutWithoutMask = first.main.stdout
      .split('\n')
      .filter((line) => line !== `::add-mask::${registry.password}`)
      .join('\n');
    for (const [what, text] of [
      ['stdout', stdoutWithoutMask],
      ['stderr', first.main.stderr],
      ['outputs', JSON.stringify(first.main.outputs)],
      ['summary', first.main.summary],
    ]) {
      expect((text as string).includes(registry.password), `${what} holds the password`).toBe(false);
    }
  });

  test('a second run leaves the tags alone, saying so; a tag naming another image moves (the registry lets it)', async () => {
    const other = await pushUntagged(registry, 'another image');
    pushed.push(other);
    const again = await tagImage({ image: `${image()}@${other}`, tags: 'v1.2.3,moving' });
    expect(again.main.errors).toEqual([]);
    expect(again.main.stdout).toContain(`${image()}:v1.2.3 → ${other}: moved from ${digest}`);
    const repeat = await tagImage({ image: `${image()}@${other}`, tags: 'moving' });
    expect(repeat.main.errors).toEqual([]);
    expect(repeat.main.stdout).toContain(`${image()}:moving already names ${other}: left alone`);
    expect(repeat.main.summary).toContain('already named this image');
    expect((await readManifest(registry, repository, 'moving'))?.digest).toBe(other);
  });

  test('a tag-only image is refused with an error naming the input, the value and what is expected', async () => {
    const refused = await tagImage({ image: `${image()}:v1.2.3`, tags: 'v2' });
    expect(refused.main.exitCode).toBe(1);
    expect(refused.main.errors).toEqual([
      `Invalid input 'image': '${image()}:v1.2.3'. Expected a reference pinned by digest, ` +
        "registry/repository@sha256:<64 hex digits> (build-push's image-ref output).",
    ]);
  });

  test('an image the registry does not hold fails the step, saying so', async () => {
    const missing = sha256(Buffer.from('never pushed'));
    const run = await tagImage({ image: `${image()}@${missing}`, tags: 'v9' });
    expect(run.main.exitCode).toBe(1);
    expect(run.main.errors[0]).toMatch(
      new RegExp(
        `^tag-image failed: ${image()}@${missing} is not in the registry, so there is nothing to tag`,
      ),
    );
  });
});
