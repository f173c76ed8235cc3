/**
 * Test-side `docker save` archives in the two formats docker writes, built from layer contents, and a fake
 * registry with the blob and manifest rules a real one enforces (the digest of what is uploaded is checked;
 * a manifest must name blobs the repository holds).
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { ImageRepository } from '../../src/docker/image-ref.js';
import type { BlobRegistry } from '../../src/docker/push-by-digest.js';
import { type TarWriterEntry, tarArchive } from './tar-writer.js';

export const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;
const hex = (digest: string) => digest.slice('sha256:'.length);

/** A layer: a small tar of files, as docker stores a diff. */
export function layerTar(files: Record<string, string>): Buffer {
  return tarArchive(Object.entries(files).map(([name, content]) => ({ name, content })));
}

export function imageConfig(layers: readonly Buffer[], label = 'test'): Buffer {
  return Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: { 'org.example.test': label } },
      rootfs: { type: 'layers', diff_ids: layers.map((layer) => sha256(layer)) },
    }),
  );
}

/**
 * What docker 20.10 writes: manifest.json, `<id>.json`, `<v1 id>/layer.tar`; a layer seen again is a
 * symlink to its first copy, as moby writes it.
 */
export function dockerArchive(layers: readonly Buffer[], config = imageConfig(layers)): Buffer {
  const entries: TarWriterEntry[] = [];
  const folders: string[] = [];
  const firstFolder = new Map<string, string>();
  layers.forEach((layer, i) => {
    const folder = hex(sha256(`v1-${i}-${sha256(layer)}`));
    folders.push(folder);
    entries.push({ name: `${folder}/`, type: 'directory' });
    const earlier = firstFolder.get(sha256(layer));
    if (earlier === undefined) {
      firstFolder.set(sha256(layer), folder);
      entries.push({ name: `${folder}/layer.tar`, content: layer });
    } else
      entries.push({ name: `${folder}/layer.tar`, type: 'symlink', linkName: `../${earlier}/layer.tar` });
  });
  const configName = `${hex(sha256(config))}.json`;
  entries.push({ name: configName, content: config });
  entries.push({
    name: 'manifest.json',
    content: JSON.stringify([
      { Config: configName, RepoTags: ['app:1'], Layers: folders.map((f) => `${f}/layer.tar`) },
    ]),
  });
  return tarArchive(entries);
}

export interface OciLayer {
  data: Buffer;
  /** Saved gzipped (the containerd store keeps the pulled blobs) instead of as a plain tar. */
  gzip?: boolean;
}

/** What docker 25+ writes: index.json, oci-layout, blobs/sha256/… (plus a manifest.json, unused here). */
export function ociLayout(
  layers: readonly OciLayer[],
  options: { nestedIndex?: boolean; config?: Buffer } = {},
): Buffer {
  const blobs = new Map<string, Buffer>();
  const add = (data: Buffer) => {
    const digest = sha256(data);
    blobs.set(digest, data);
    return { digest, size: data.length };
  };
  const config = options.config ?? imageConfig(layers.map((layer) => layer.data));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...add(config) },
      layers: layers.map((layer) =>
        layer.gzip
          ? { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...add(gzipSync(layer.data)) }
          : { mediaType: 'application/vnd.oci.image.layer.v1.tar', ...add(layer.data) },
      ),
    }),
  );
  let top = { mediaType: 'application/vnd.oci.image.manifest.v1+json', ...add(manifest) };
  if (options.nestedIndex) {
    const attestation = Buffer.from(JSON.stringify({ schemaVersion: 2, layers: [] }));
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          { ...top, platform: { os: 'linux', architecture: 'amd64' } },
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            ...add(attestation),
            annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
          },
          // A platform whose blobs were not saved.
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: sha256('not saved'),
            size: 9,
          },
        ],
      }),
    );
    top = { mediaType: 'application/vnd.oci.image.index.v1+json', ...add(index) };
  }
  return tarArchive([
    { name: 'blobs/', type: 'directory' },
    { name: 'blobs/sha256/', type: 'directory' },
    ...[...blobs].map(([digest, data]) => ({ name: `blobs/sha256/${hex(digest)}`, content: data })),
    { name: 'index.json', content: JSON.stringify({ schemaVersion: 2, manifests: [top] }) },
    { name: 'oci-layout', content: '{"imageLayoutVersion":"1.0.0"}' },
  ]);
}

export interface RegistryCall {
  method: 'putManifest' | 'hasBlob' | 'uploadBlob';
  digest: string;
}

/** An in-memory registry: one repository's blobs and manifests, every call recorded. */
export class FakeBlobRegistry implements BlobRegistry {
  readonly blobs = new Map<string, Buffer>();
  readonly manifests = new Map<string, { mediaType: string; body: Buffer }>();
  readonly calls: RegistryCall[] = [];

  async hasBlob(_image: ImageRepository, digest: string): Promise<boolean> {
    this.calls.push({ method: 'hasBlob', digest });
    return this.blobs.has(digest);
  }

  async uploadBlob(_image: ImageRepository, digest: string, body: Buffer): Promise<void> {
    this.calls.push({ method: 'uploadBlob', digest });
    if (sha256(body) !== digest) throw new Error(`DIGEST_INVALID: ${digest}`);
    this.blobs.set(digest, Buffer.from(body));
  }

  async putManifest(
    _image: ImageRepository,
    reference: string,
    mediaType: string,
    body: Buffer,
  ): Promise<string> {
    this.calls.push({ method: 'putManifest', digest: reference });
    const digest = sha256(body);
    if (reference.startsWith('sha256:') && reference !== digest) throw new Error('DIGEST_INVALID: manifest');
    const manifest = JSON.parse(body.toString()) as {
      config: { digest: string };
      layers: { digest: string }[];
    };
    for (const blob of [manifest.config, ...manifest.layers]) {
      if (!this.blobs.has(blob.digest)) throw new Error(`MANIFEST_BLOB_UNKNOWN: ${blob.digest}`);
    }
    this.manifests.set(digest, { mediaType, body: Buffer.from(body) });
    return digest;
  }

  uploads(): string[] {
    return this.calls.filter((call) => call.method === 'uploadBlob').map((call) => call.digest);
  }
}
