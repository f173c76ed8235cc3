import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import type { ImageRepository } from '../../lib/src/docker/image-ref.js';
import { RegistryApiError } from '../../lib/src/docker/registry-client.js';
import { TaggingError, type TaggingRegistry, tagImage } from '../src/tag.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const body = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}');
const digest = sha256(body);
const other = sha256('another image');
const image = { registry: 'registry.example', repository: 'team/app' };

/** A registry in memory: manifests by digest, tags naming digests, every call recorded. */
class FakeRegistry implements TaggingRegistry {
  readonly calls: string[] = [];
  readonly tags = new Map<string, string>();
  readonly manifests = new Map<string, Buffer>([[digest, body]]);
  /** Errors to throw, once each, for calls such as `putManifest v1`. */
  readonly failures: { call: string; error: Error }[] = [];

  private fail(call: string): void {
    const at = this.failures.findIndex((f) => f.call === call);
    if (at >= 0) throw this.failures.splice(at, 1)[0]?.error;
  }

  async manifest(_image: ImageRepository, reference: string) {
    this.calls.push(`manifest ${reference}`);
    this.fail(`manifest ${reference}`);
    const stored = this.manifests.get(reference);
    return stored && { digest: reference, mediaType: OCI_MANIFEST, body: stored };
  }

  async manifestDigest(_image: ImageRepository, tag: string) {
    this.calls.push(`manifestDigest ${tag}`);
    this.fail(`manifestDigest ${tag}`);
    return this.tags.get(tag);
  }

  async putManifest(_image: ImageRepository, reference: string, mediaType: string, bytes: Buffer) {
    this.calls.push(`putManifest ${reference} ${mediaType}`);
    this.fail(`putManifest ${reference}`);
    this.tags.set(reference, sha256(bytes));
    return sha256(bytes);
  }
}

function deps(registry: TaggingRegistry) {
  const log = { info: [] as string[], warning: [] as string[] };
  return {
    log,
    deps: {
      registry,
      retry: { attempts: 3, baseMs: 1, maxMs: 1, sleep: async () => {} },
      log: { info: (m: string) => log.info.push(m), warning: (m: string) => log.warning.push(m) },
    },
  };
}

describe('tagImage', () => {
  test('reads the manifest once and puts the same bytes under each tag', async () => {
    const registry = new FakeRegistry();
    const outcomes = await tagImage({ image, digest, tags: ['v1', 'abc1234'] }, deps(registry).deps);
    expect(outcomes).toEqual([
      { tag: 'v1', ref: 'registry.example/team/app:v1', result: 'added' },
      { tag: 'abc1234', ref: 'registry.example/team/app:abc1234', result: 'added' },
    ]);
    expect(registry.calls).toEqual([
      `manifest ${digest}`,
      'manifestDigest v1',
      `putManifest v1 ${OCI_MANIFEST}`,
      'manifestDigest abc1234',
      `putManifest abc1234 ${OCI_MANIFEST}`,
    ]);
    expect(Object.fromEntries(registry.tags)).toEqual({ v1: digest, abc1234: digest });
  });

  test('a tag that already names the image is left alone, and said so', async () => {
    const registry = new FakeRegistry();
    registry.tags.set('v1', digest);
    const { deps: d, log } = deps(registry);
    const outcomes = await tagImage({ image, digest, tags: ['v1'] }, d);
    expect(outcomes).toEqual([{ tag: 'v1', ref: 'registry.example/team/app:v1', result: 'unchanged' }]);
    expect(registry.calls.filter((c) => c.startsWith('putManifest'))).toEqual([]);
    expect(log.info).toContain(`registry.example/team/app:v1 already names ${digest}: left alone`);
  });

  test('a mutable tag naming another image is moved, and the image it named is reported', async () => {
    const registry = new FakeRegistry();
    registry.tags.set('main', other);
    const outcomes = await tagImage({ image, digest, tags: ['main'] }, deps(registry).deps);
    expect(outcomes).toEqual([
      { tag: 'main', ref: 'registry.example/team/app:main', result: 'moved', previous: other },
    ]);
    expect(registry.tags.get('main')).toBe(digest);
  });

  test("an immutable tag naming another image: the registry's refusal is the error, stated plainly", async () => {
    const registry = new FakeRegistry();
    registry.tags.set('v1', other);
    const said =
      "putting the manifest registry.example/team/app:v1 answered HTTP 400: The image tag 'v1' already exists in the 'team/app' repository and cannot be overwritten because the repository is immutable.";
    registry.failures.push({
      call: 'putManifest v1',
      error: new RegistryApiError(said, 400, { code: 'TAG_INVALID' }),
    });
    const error = await tagImage({ image, digest, tags: ['abc1234', 'v1'] }, deps(registry).deps).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TaggingError);
    expect((error as Error).message).toBe(
      `registry.example/team/app:v1 already names another image, ${other}, and the registry refused to move it ` +
        `to ${digest}: ${said}. Where tags are immutable (ECR's default) a tag names one image for good: tag ` +
        'with a template that changes with every build, such as {{sha}}, or let this tag move (on ECR, a ' +
        'mutability exclusion filter) (tagged before this failure: abc1234)',
    );
    // Refusals are not retried.
    expect(registry.calls.filter((c) => c === `putManifest v1 ${OCI_MANIFEST}`)).toHaveLength(1);
    expect(registry.tags.get('v1')).toBe(other);
  });

  test('transient registry errors are retried, with a warning each time', async () => {
    const registry = new FakeRegistry();
    registry.failures.push(
      { call: `manifest ${digest}`, error: new RegistryApiError('reading answered HTTP 503: busy', 503) },
      { call: 'manifestDigest v1', error: new RegistryApiError('reading answered 502', 502) },
      {
        call: 'putManifest v1',
        error: new RegistryApiError('putting: could not reach registry.example (ECONNRESET)', undefined, {
          cause: { code: 'ECONNRESET' },
        }),
      },
    );
    const { deps: d, log } = deps(registry);
    const outcomes = await tagImage({ image, digest, tags: ['v1'] }, d);
    expect(outcomes.map((o) => o.result)).toEqual(['added']);
    expect(log.warning).toHaveLength(3);
    expect(log.warning[0]?.replace(/in [\d.]+ s/, 'in N s')).toBe(
      `Reading registry.example/team/app@${digest} failed (attempt 1), retrying in N s: reading answered HTTP 503: busy`,
    );
    expect(log.warning[2]).toContain('Tagging registry.example/team/app:v1 failed (attempt 1)');
  });

  test('a transient error that outlasts the attempts fails the step with the last error', async () => {
    const registry = new FakeRegistry();
    for (let i = 0; i < 3; i++)
      registry.failures.push({
        call: 'putManifest v1',
        error: new RegistryApiError('answered HTTP 503', 503),
      });
    await expect(tagImage({ image, digest, tags: ['v1'] }, deps(registry).deps)).rejects.toThrow(
      /^answered HTTP 503$/,
    );
  });

  test('an image the registry does not have is an error saying what to give', async () => {
    const registry = new FakeRegistry();
    await expect(tagImage({ image, digest: other, tags: ['v1'] }, deps(registry).deps)).rejects.toThrow(
      `registry.example/team/app@${other} is not in the registry, so there is nothing to tag: give the image-ref build-push reported`,
    );
    expect(registry.calls).toEqual([`manifest ${other}`]);
  });

  test('a registry that stores the tag under another digest (it rewrote the manifest) fails the step', async () => {
    const registry = new FakeRegistry();
    registry.putManifest = async () => other;
    await expect(tagImage({ image, digest, tags: ['v1'] }, deps(registry).deps)).rejects.toThrow(
      `the registry stored registry.example/team/app:v1 as ${other}, not ${digest}: it changed the manifest`,
    );
  });
});
