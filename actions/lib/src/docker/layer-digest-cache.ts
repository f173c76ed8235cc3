/**
 * Remembers, for each image layer pushed by digest, the digest and size of the gzip blob it became, keyed
 * by its diff ID (the sha256 of the uncompressed layer). With it, a layer the registry already holds is
 * neither compressed nor read again: the manifest only needs the blob's digest and size.
 *
 * Why an entry cannot ship a broken image:
 * - Both sides are content hashes, so a correct entry never goes stale: the gzip of that layer had that
 *   digest once and the blob of that digest is those bytes for ever. What changes is only whether the
 *   registry holds it, so the caller uses an entry only after the registry says it has the blob.
 * - An entry is only ever written from a compression just done, whose input was checked against the diff
 *   ID the image config lists, and whose output digest is what was uploaded (the registry checks it).
 * - What remains is a file that is wrong on disk (damaged, edited, another tool's): each entry carries the
 *   uncompressed size, checked against the layer in hand, and a checksum binding diff ID, sizes and digest,
 *   so a value moved to another key or changed by hand is dropped. Checking the blob itself would mean
 *   downloading and unpacking it, which costs about what compressing again costs; a deliberately forged
 *   entry (checksum recomputed) is therefore not caught here, and is caught at pull time: docker and
 *   containerd compare each pulled layer with the config's diff IDs and refuse the image.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { SHA256_DIGEST } from './image-ref.js';

export interface LayerBlob {
  /** Digest of the compressed blob in the registry. */
  digest: string;
  /** Bytes of the compressed blob. */
  size: number;
}

interface StoredEntry extends LayerBlob {
  /** Bytes of the uncompressed layer (the tar docker saved). */
  layerSize: number;
  check: string;
  /** Last use, ms since the epoch: the oldest entries go first when the file is full. */
  usedAt: number;
}

interface CacheFile {
  version: 1;
  layers: Record<string, StoredEntry>;
}

/** A few thousand layers: a few hundred KB of JSON, more than a runner's images ever share. */
const MAX_ENTRIES = 4000;

/** `$XDG_CACHE_HOME/k8s-ship/layer-digests.json`, else `~/.cache/k8s-ship/layer-digests.json`. */
export function layerDigestCachePath(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  const base = env.XDG_CACHE_HOME?.startsWith('/') ? env.XDG_CACHE_HOME : join(home, '.cache');
  return join(base, 'k8s-ship', 'layer-digests.json');
}

/** The checksum an entry carries: it ties the blob to this layer and to nothing else. */
export function layerEntryCheck(diffId: string, layerSize: number, blob: LayerBlob): string {
  return createHash('sha256')
    .update(`k8s-ship layer ${diffId} ${layerSize} ${blob.digest} ${blob.size}`)
    .digest('hex');
}

function validEntry(diffId: string, value: unknown): value is StoredEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Partial<StoredEntry>;
  return (
    SHA256_DIGEST.test(diffId) &&
    typeof entry.digest === 'string' &&
    SHA256_DIGEST.test(entry.digest) &&
    Number.isSafeInteger(entry.size) &&
    Number.isSafeInteger(entry.layerSize) &&
    typeof entry.usedAt === 'number' &&
    entry.check === layerEntryCheck(diffId, entry.layerSize as number, entry as LayerBlob)
  );
}

function readEntries(path: string): { entries: Map<string, StoredEntry>; dropped: number } {
  const entries = new Map<string, StoredEntry>();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { entries, dropped: 0 };
  }
  let parsed: Partial<CacheFile>;
  try {
    parsed = JSON.parse(text) as Partial<CacheFile>;
  } catch {
    return { entries, dropped: 1 };
  }
  let dropped = 0;
  if (parsed.version !== 1 || typeof parsed.layers !== 'object' || parsed.layers === null)
    return { entries, dropped: 1 };
  for (const [diffId, entry] of Object.entries(parsed.layers)) {
    if (validEntry(diffId, entry)) entries.set(diffId, entry);
    else dropped++;
  }
  return { entries, dropped };
}

export class LayerDigestCache {
  private readonly changed = new Set<string>();

  private constructor(
    readonly path: string,
    private readonly entries: Map<string, StoredEntry>,
    /** Entries of the file that failed their checks and were left out. */
    readonly dropped: number,
    private readonly now: () => number,
  ) {}

  /** The file's entries; a missing or unreadable file is an empty cache, never an error. */
  static load(path: string, now: () => number = Date.now): LayerDigestCache {
    const { entries, dropped } = readEntries(path);
    return new LayerDigestCache(path, entries, dropped, now);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The blob a layer of this diff ID and uncompressed size became, if known and consistent. */
  get(diffId: string, layerSize: number): LayerBlob | undefined {
    const entry = this.entries.get(diffId);
    if (entry === undefined || entry.layerSize !== layerSize) return undefined;
    return { digest: entry.digest, size: entry.size };
  }

  /** Marks an entry as used just now, so that it outlives unused ones when the file is full. */
  touch(diffId: string): void {
    const entry = this.entries.get(diffId);
    if (entry === undefined) return;
    entry.usedAt = this.now();
    this.changed.add(diffId);
  }

  set(diffId: string, layerSize: number, blob: LayerBlob): void {
    if (!SHA256_DIGEST.test(diffId) || !SHA256_DIGEST.test(blob.digest))
      throw new Error(`not a sha256 digest: ${diffId} → ${blob.digest}`);
    this.entries.set(diffId, {
      digest: blob.digest,
      size: blob.size,
      layerSize,
      check: layerEntryCheck(diffId, layerSize, blob),
      usedAt: this.now(),
    });
    this.changed.add(diffId);
  }

  /** Forgets an entry the caller found wrong. */
  delete(diffId: string): void {
    if (this.entries.delete(diffId)) this.changed.add(diffId);
  }

  /**
   * Writes the file atomically (a temporary file in the same folder, then a rename), merged with what other
   * jobs on this runner wrote since it was read: this instance's changes win, the rest is kept.
   */
  save(): void {
    if (this.changed.size === 0) return;
    const merged = readEntries(this.path).entries;
    for (const diffId of this.changed) {
      const entry = this.entries.get(diffId);
      if (entry === undefined) merged.delete(diffId);
      else merged.set(diffId, entry);
    }
    const kept = [...merged].sort(([, a], [, b]) => b.usedAt - a.usedAt).slice(0, MAX_ENTRIES);
    const file: CacheFile = { version: 1, layers: Object.fromEntries(kept) };
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      writeFileSync(temporary, `${JSON.stringify(file, null, 1)}\n`, { mode: 0o644 });
      renameSync(temporary, this.path);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
    this.changed.clear();
  }
}
