/**
 * Pushes an image that `docker save` wrote to a tar file straight to a registry over its HTTP API, by
 * digest only: no tag is created, so nothing can pull the image by name before a scan has passed (a later
 * step adds the tags). The classic builder offers no such push (`docker push` always pushes a tag), hence
 * this. Layers are gzipped here; a layer the registry already holds under a digest the layer cache knows is
 * neither read nor compressed again.
 *
 * Two save formats are read: the Docker archive (`manifest.json`, `<id>.json` config, `<id>/layer.tar`;
 * docker before 25, such as Debian 12's 20.10) is pushed as a Docker v2 schema 2 manifest; an OCI layout
 * (`index.json`, `blobs/sha256/…`; docker 25 and later, and the containerd image store) is pushed with the
 * manifest type it holds (OCI for the docker 25+ graph drivers).
 */
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { digestRef, type ImageRepository, SHA256_DIGEST } from './image-ref.js';
import type { LayerDigestCache } from './layer-digest-cache.js';
import { TarFile } from './tar-reader.js';

/** What the push needs of a registry; the lib's RegistryClient has these methods. */
export interface BlobRegistry {
  /** PUTs a manifest; returns the digest the registry reports for it. */
  putManifest(image: ImageRepository, reference: string, mediaType: string, body: Buffer): Promise<string>;
  hasBlob(image: ImageRepository, digest: string): Promise<boolean>;
  uploadBlob(image: ImageRepository, digest: string, body: Buffer): Promise<void>;
}

export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

const UNCOMPRESSED_LAYERS = new Set<string>([MEDIA_TYPES.dockerLayer, MEDIA_TYPES.ociLayer]);

export class SavedImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SavedImageError';
  }
}

export interface SavedLayer {
  /** The tar entry holding the layer as saved (links resolved). */
  entry: string;
  /** Bytes of the layer as saved. */
  size: number;
  /** The diff ID the image config lists for this layer. */
  diffId: string;
  /** The saved blob's own descriptor when it is already compressed (pushed as it is); absent for a plain tar. */
  compressed?: { mediaType: string; digest: string };
}

export interface SavedImage {
  format: 'docker-archive' | 'oci-layout';
  /** The manifest type to push: Docker v2 schema 2 or OCI, as the save was. */
  manifestMediaType: string;
  config: { bytes: Buffer; digest: string; mediaType: string };
  layers: SavedLayer[];
}

function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

async function readJson<T>(tar: TarFile, name: string): Promise<T> {
  const bytes = await tar.readBuffer(name);
  try {
    return JSON.parse(bytes.toString('utf8')) as T;
  } catch {
    throw new SavedImageError(`${name} in ${tar.path} is not JSON`);
  }
}

function blobPath(digest: string): string {
  if (!SHA256_DIGEST.test(digest))
    throw new SavedImageError(`unsupported digest in the saved image: ${digest}`);
  return `blobs/sha256/${digest.slice('sha256:'.length)}`;
}

function diffIdsOf(config: Buffer, where: string): string[] {
  let parsed: { rootfs?: { diff_ids?: unknown } };
  try {
    parsed = JSON.parse(config.toString('utf8'));
  } catch {
    throw new SavedImageError(`the image config ${where} is not JSON`);
  }
  const diffIds = parsed.rootfs?.diff_ids;
  if (!Array.isArray(diffIds) || !diffIds.every((id) => typeof id === 'string' && SHA256_DIGEST.test(id)))
    throw new SavedImageError(`the image config ${where} lists no sha256 diff IDs`);
  return diffIds as string[];
}

function layerEntry(tar: TarFile, name: string): { entry: string; size: number } {
  const found = tar.resolve(name);
  if (found === undefined) throw new SavedImageError(`${tar.path} lacks the layer ${name}`);
  return { entry: found.name, size: found.size };
}

/** `manifest.json` of a Docker archive: one image, layers in the order of the config's diff IDs. */
async function readDockerArchive(tar: TarFile): Promise<SavedImage> {
  const manifest = await readJson<{ Config?: string; Layers?: string[] }[]>(tar, 'manifest.json');
  if (!Array.isArray(manifest) || manifest.length !== 1)
    throw new SavedImageError(`${tar.path} holds ${manifest.length} images; save exactly one`);
  const [image] = manifest as [{ Config?: string; Layers?: string[] }];
  if (typeof image.Config !== 'string' || !Array.isArray(image.Layers))
    throw new SavedImageError(`manifest.json in ${tar.path} names no config or layers`);
  const config = await tar.readBuffer(image.Config);
  const diffIds = diffIdsOf(config, image.Config);
  if (diffIds.length !== image.Layers.length)
    throw new SavedImageError(
      `${tar.path} lists ${image.Layers.length} layers for ${diffIds.length} diff IDs in its config`,
    );
  return {
    format: 'docker-archive',
    manifestMediaType: MEDIA_TYPES.dockerManifest,
    config: { bytes: config, digest: sha256(config), mediaType: MEDIA_TYPES.dockerConfig },
    layers: image.Layers.map((name, i) => ({ ...layerEntry(tar, name), diffId: diffIds[i] as string })),
  };
}

interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  annotations?: Record<string, string>;
  platform?: { os?: string; architecture?: string };
}

const isIndex = (mediaType?: string) =>
  mediaType === MEDIA_TYPES.ociIndex || mediaType === MEDIA_TYPES.dockerManifestList;

/**
 * The one image manifest an OCI layout holds: through nested indexes (the containerd store saves the
 * image's index), leaving out attestation manifests and platforms whose blobs were not saved.
 */
async function imageManifest(tar: TarFile, descriptors: Descriptor[], depth = 0): Promise<Descriptor> {
  const candidates: Descriptor[] = [];
  for (const descriptor of descriptors) {
    if (descriptor.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') continue;
    if (tar.resolve(blobPath(descriptor.digest)) === undefined) continue;
    if (isIndex(descriptor.mediaType)) {
      if (depth > 2) throw new SavedImageError(`${tar.path} nests indexes too deep`);
      const nested = await readJson<{ manifests?: Descriptor[] }>(tar, blobPath(descriptor.digest));
      candidates.push(await imageManifest(tar, nested.manifests ?? [], depth + 1));
    } else candidates.push(descriptor);
  }
  const unique = [...new Map(candidates.map((d) => [d.digest, d])).values()];
  if (unique.length !== 1)
    throw new SavedImageError(
      `${tar.path} holds ${unique.length} image manifests; push by digest from a saved image takes exactly one platform`,
    );
  return unique[0] as Descriptor;
}

async function readOciLayout(tar: TarFile): Promise<SavedImage> {
  const index = await readJson<{ manifests?: Descriptor[] }>(tar, 'index.json');
  const descriptor = await imageManifest(tar, index.manifests ?? []);
  const manifest = await readJson<{ mediaType?: string; config?: Descriptor; layers?: Descriptor[] }>(
    tar,
    blobPath(descriptor.digest),
  );
  const manifestMediaType = manifest.mediaType ?? descriptor.mediaType ?? MEDIA_TYPES.ociManifest;
  if (manifest.config === undefined || !Array.isArray(manifest.layers))
    throw new SavedImageError(`the manifest ${descriptor.digest} in ${tar.path} names no config or layers`);
  const config = await tar.readBuffer(blobPath(manifest.config.digest));
  if (sha256(config) !== manifest.config.digest)
    throw new SavedImageError(`the config blob in ${tar.path} does not match its digest`);
  const diffIds = diffIdsOf(config, manifest.config.digest);
  if (diffIds.length !== manifest.layers.length)
    throw new SavedImageError(
      `the manifest in ${tar.path} lists ${manifest.layers.length} layers for ${diffIds.length} diff IDs`,
    );
  return {
    format: 'oci-layout',
    manifestMediaType,
    config: {
      bytes: config,
      digest: manifest.config.digest,
      mediaType:
        manifest.config.mediaType ??
        (manifestMediaType === MEDIA_TYPES.dockerManifest ? MEDIA_TYPES.dockerConfig : MEDIA_TYPES.ociConfig),
    },
    layers: manifest.layers.map((layer, i) => {
      const saved = { ...layerEntry(tar, blobPath(layer.digest)), diffId: diffIds[i] as string };
      const mediaType = layer.mediaType ?? MEDIA_TYPES.ociLayer;
      return UNCOMPRESSED_LAYERS.has(mediaType)
        ? saved
        : { ...saved, compressed: { mediaType, digest: layer.digest } };
    }),
  };
}

/** The image a `docker save` tar holds, in either format. */
export async function readSavedImage(tar: TarFile): Promise<SavedImage> {
  if (tar.resolve('index.json') !== undefined) return readOciLayout(tar);
  if (tar.resolve('manifest.json') !== undefined) return readDockerArchive(tar);
  throw new SavedImageError(`${tar.path} is not a docker save: it has neither index.json nor manifest.json`);
}

export interface PushedLayer {
  diffId: string;
  digest: string;
  /** Bytes of the blob in the registry. */
  size: number;
  mediaType: string;
  /** How the blob got there: compressed and uploaded now, compressed but the registry had it, or neither. */
  how:
    | 'uploaded'
    | 'already in the registry'
    | 'compressed, already in the registry'
    | 'cached digest, already in the registry';
}

export interface PushByDigestResult {
  /** The manifest digest as the registry reported it: what `image-ref` names. */
  digest: string;
  ref: string;
  mediaType: string;
  manifest: Buffer;
  configDigest: string;
  layers: PushedLayer[];
  /** Bytes sent to the registry: blobs and config (the manifest is a few hundred bytes). */
  uploadedBytes: number;
}

export interface PushByDigestDeps {
  registry: BlobRegistry;
  cache?: LayerDigestCache;
  log?: { info(message: string): void; warning(message: string): void };
  /** Wraps each registry call, e.g. with retries on transient failures. */
  attempt?: <T>(what: string, call: () => Promise<T>) => Promise<T>;
  /** Layers compressed at once (each is held in memory until uploaded). */
  concurrency?: number;
  /** gzip level; 6 is what docker push uses. */
  gzipLevel?: number;
}

/** Compresses a layer, hashing what goes in (checked against its diff ID) and what comes out. */
async function gzipLayer(
  tar: TarFile,
  layer: SavedLayer,
  level: number,
): Promise<{ blob: Buffer; digest: string; diffId: string }> {
  const diff = createHash('sha256');
  const compressed = createHash('sha256');
  const parts: Buffer[] = [];
  await pipeline(
    tar.createReadStream(layer.entry),
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        diff.update(chunk);
        yield chunk;
      }
    },
    createGzip({ level }),
    async (chunks: AsyncIterable<Buffer>) => {
      for await (const chunk of chunks) {
        compressed.update(chunk);
        parts.push(chunk);
      }
    },
  );
  return {
    blob: Buffer.concat(parts),
    digest: `sha256:${compressed.digest('hex')}`,
    diffId: `sha256:${diff.digest('hex')}`,
  };
}

function short(digest: string): string {
  return digest.slice('sha256:'.length, 'sha256:'.length + 12);
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** Runs `work` over `items`, at most `limit` at a time, results in the order of `items`. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const at = next++;
      results[at] = await work(items[at] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Pushes the image in `tarPath` (a `docker save`) to `image`'s repository by digest: blobs the registry lacks,
 * the config, then the manifest under its own digest. Returns the digest the registry reported.
 */
export async function pushSavedImage(
  tarPath: string,
  image: ImageRepository,
  deps: PushByDigestDeps,
): Promise<PushByDigestResult> {
  const attempt = deps.attempt ?? (<T>(_what: string, call: () => Promise<T>) => call());
  const registry = deps.registry;
  const tar = await TarFile.open(tarPath);
  const saved = await readSavedImage(tar);
  const oci = saved.manifestMediaType === MEDIA_TYPES.ociManifest;
  const gzipType = oci ? MEDIA_TYPES.ociLayerGzip : MEDIA_TYPES.dockerLayerGzip;
  let uploadedBytes = 0;

  const upload = async (digest: string, body: Buffer) => {
    await attempt(`upload of blob ${short(digest)}`, () => registry.uploadBlob(image, digest, body));
    uploadedBytes += body.length;
  };
  const has = (digest: string) =>
    attempt(`blob check ${short(digest)}`, () => registry.hasBlob(image, digest));

  const pushLayer = async (layer: SavedLayer): Promise<PushedLayer> => {
    if (layer.compressed !== undefined) {
      const { digest, mediaType } = layer.compressed;
      if (await has(digest))
        return { diffId: layer.diffId, digest, size: layer.size, mediaType, how: 'already in the registry' };
      const body = await tar.readBuffer(layer.entry);
      if (sha256(body) !== digest)
        throw new SavedImageError(`the saved layer ${layer.entry} does not match its digest`);
      await upload(digest, body);
      return { diffId: layer.diffId, digest, size: body.length, mediaType, how: 'uploaded' };
    }
    const cached = deps.cache?.get(layer.diffId, layer.size);
    if (cached !== undefined && (await has(cached.digest))) {
      deps.cache?.touch(layer.diffId);
      return {
        diffId: layer.diffId,
        ...cached,
        mediaType: gzipType,
        how: 'cached digest, already in the registry',
      };
    }
    const { blob, digest, diffId } = await gzipLayer(tar, layer, deps.gzipLevel ?? 6);
    // The layer docker saved must be the one the config names: else the image would not pull.
    if (diffId !== layer.diffId)
      throw new SavedImageError(
        `the saved layer ${layer.entry} has diff ID ${diffId}, but the image config lists ${layer.diffId}`,
      );
    deps.cache?.set(layer.diffId, layer.size, { digest, size: blob.length });
    const pushed = { diffId, digest, size: blob.length, mediaType: gzipType };
    if (await has(digest)) return { ...pushed, how: 'compressed, already in the registry' };
    await upload(digest, blob);
    return { ...pushed, how: 'uploaded' };
  };

  // What was compressed is worth remembering even when a later upload fails: the entries are facts.
  try {
    // A layer listed twice (the same diff in two steps) is handled once.
    const unique = [...new Map(saved.layers.map((layer) => [layer.diffId, layer])).values()];
    const done = new Map<string, PushedLayer>();
    await mapLimited(unique, Math.max(1, deps.concurrency ?? 2), async (layer) => {
      const pushed = await pushLayer(layer);
      done.set(layer.diffId, pushed);
      deps.log?.info(
        `layer ${short(layer.diffId)} (${megabytes(layer.size)}): ${pushed.how} as ${short(pushed.digest)} (${megabytes(pushed.size)})`,
      );
    });
    const layers = saved.layers.map((layer) => done.get(layer.diffId) as PushedLayer);

    if (!(await has(saved.config.digest))) await upload(saved.config.digest, saved.config.bytes);

    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: saved.manifestMediaType,
        config: {
          mediaType: saved.config.mediaType,
          digest: saved.config.digest,
          size: saved.config.bytes.length,
        },
        layers: layers.map((layer) => ({
          mediaType: layer.mediaType,
          digest: layer.digest,
          size: layer.size,
        })),
      }),
    );
    const localDigest = sha256(manifest);
    const digest = await attempt('manifest upload', () =>
      registry.putManifest(image, localDigest, saved.manifestMediaType, manifest),
    );
    if (digest !== localDigest)
      deps.log?.warning(`the registry reports ${digest} for the manifest put as ${localDigest}`);
    return {
      digest,
      ref: digestRef(image, digest),
      mediaType: saved.manifestMediaType,
      manifest,
      configDigest: saved.config.digest,
      layers,
      uploadedBytes,
    };
  } finally {
    try {
      deps.cache?.save();
    } catch (error) {
      deps.log?.warning(`could not write the layer cache ${deps.cache?.path}: ${(error as Error).message}`);
    }
  }
}
