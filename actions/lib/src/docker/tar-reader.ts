/**
 * Reads tar archives as `docker save` and image layers write them: POSIX ustar (with its name prefix), GNU
 * long names and long link names (`L`/`K` records, as moby writes), and pax headers (`path`, `linkpath`,
 * `size`; as Go's archive/tar writes for long or non-ASCII names). Two ways in: `readTarStream` for a
 * stream read once, front to back; `TarFile` for a file on disk, indexed once and then read entry by entry
 * in any order (a docker save's manifest.json comes after the layers it names).
 */
import { createReadStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { posix } from 'node:path';
import { Readable } from 'node:stream';

export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TarEntry {
  /** The path inside the archive, without a leading `./` or a trailing `/`. */
  name: string;
  type: TarEntryType;
  /** Bytes of content (0 for anything but files). */
  size: number;
  /** Target of a symlink or hard link; empty for other entries. */
  linkName: string;
  mode: number;
}

export class TarFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TarFormatError';
  }
}

const BLOCK = 512;

function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

function text(block: Buffer, offset: number, length: number): string {
  const slice = block.subarray(offset, offset + length);
  const end = slice.indexOf(0);
  return slice.subarray(0, end < 0 ? length : end).toString('utf8');
}

/** An octal field, or GNU base-256 (high bit of the first byte set) for values that octal cannot hold. */
function numeric(block: Buffer, offset: number, length: number, what: string): number {
  const first = block[offset] as number;
  if (first & 0x80) {
    let value = first & 0x7f;
    for (let i = 1; i < length; i++) value = value * 256 + (block[offset + i] as number);
    if (!Number.isSafeInteger(value)) throw new TarFormatError(`tar header ${what} is too large`);
    return value;
  }
  const raw = text(block, offset, length).trim();
  if (raw === '') return 0;
  if (!/^[0-7]+$/.test(raw)) throw new TarFormatError(`tar header ${what} is not an octal number: '${raw}'`);
  return Number.parseInt(raw, 8);
}

function isZeroBlock(block: Buffer): boolean {
  for (const byte of block) if (byte !== 0) return false;
  return true;
}

/** The header checksum: the sum of its bytes with the checksum field itself counted as spaces. */
function checksumMatches(block: Buffer): boolean {
  const stored = numeric(block, 148, 8, 'checksum');
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] as number);
  return sum === stored;
}

/** pax records: `<length> <key>=<value>\n`, the length counting the whole record. */
export function parsePaxRecords(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let at = 0;
  while (at < data.length) {
    if (data[at] === 0) break;
    const space = data.indexOf(0x20, at);
    const length = Number(data.subarray(at, space).toString('ascii'));
    if (space < 0 || !Number.isInteger(length) || length <= 0 || at + length > data.length) {
      throw new TarFormatError('malformed pax header record');
    }
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (equals < 0) throw new TarFormatError('malformed pax header record');
    records[record.slice(0, equals)] = record.slice(equals + 1);
    at += length;
  }
  return records;
}

function normalizeName(name: string): string {
  const cleaned = posix.normalize(name.replace(/^(\.\/)+/, '')).replace(/\/+$/, '');
  return cleaned === '.' ? '' : cleaned;
}

const TYPES: Record<string, TarEntryType> = {
  '0': 'file',
  '\0': 'file',
  '': 'file',
  '7': 'file',
  '5': 'directory',
  '2': 'symlink',
  '1': 'hardlink',
};

/** Where the bytes come from: a file read at positions, or a stream read once. */
interface ByteSource {
  /** Exactly `length` bytes, or undefined at a clean end of input before the first byte. */
  read(length: number): Promise<Buffer | undefined>;
  skip(length: number): Promise<void>;
}

async function readExactly(source: ByteSource, length: number, what: string): Promise<Buffer> {
  const data = await source.read(length);
  if (data === undefined) throw new TarFormatError(`the tar archive ends inside ${what}`);
  return data;
}

/**
 * The next real entry's header, with the GNU and pax extension records before it applied; the source is
 * left at the start of its content. Undefined at the end of the archive.
 */
async function nextHeader(source: ByteSource): Promise<TarEntry | undefined> {
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Record<string, string> = {};
  for (;;) {
    const block = await source.read(BLOCK);
    // Some writers stop after one zero block, or without any: the end either way.
    if (block === undefined || isZeroBlock(block)) return undefined;
    if (!checksumMatches(block))
      throw new TarFormatError('tar header checksum mismatch: not a tar archive, or a damaged one');
    const typeFlag = String.fromCharCode(block[156] as number);
    const size = numeric(block, 124, 12, 'size');
    if (typeFlag === 'L' || typeFlag === 'K' || typeFlag === 'x' || typeFlag === 'g') {
      const data = await readExactly(source, padded(size), 'an extended header');
      const content = data.subarray(0, size);
      if (typeFlag === 'L') longName = text(content, 0, content.length);
      else if (typeFlag === 'K') longLink = text(content, 0, content.length);
      // Global pax headers ('g') set defaults docker never relies on: read past them.
      else if (typeFlag === 'x') pax = { ...pax, ...parsePaxRecords(content) };
      continue;
    }
    const magic = text(block, 257, 6);
    const prefix = magic.startsWith('ustar') ? text(block, 345, 155) : '';
    const ustarName = prefix === '' ? text(block, 0, 100) : `${prefix}/${text(block, 0, 100)}`;
    const type = TYPES[typeFlag] ?? 'other';
    const paxSize = pax.size === undefined ? undefined : Number(pax.size);
    if (paxSize !== undefined && !Number.isSafeInteger(paxSize))
      throw new TarFormatError('malformed pax size');
    return {
      name: normalizeName(pax.path ?? longName ?? ustarName),
      type,
      size: paxSize ?? size,
      linkName: pax.linkpath ?? longLink ?? text(block, 157, 100),
      mode: numeric(block, 100, 8, 'mode'),
    };
  }
}

/** Bytes a header's entry occupies after the header: hard links and directories carry no content. */
function contentBytes(entry: TarEntry): number {
  return entry.type === 'hardlink' || entry.type === 'directory' ? 0 : entry.size;
}

class StreamSource implements ByteSource {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;

  constructor(private readonly input: AsyncIterator<Uint8Array>) {}

  private async fill(length: number): Promise<void> {
    while (this.buffered < length && !this.ended) {
      const next = await this.input.next();
      if (next.done) this.ended = true;
      else if (next.value.length > 0) {
        const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.length);
        this.chunks.push(chunk);
        this.buffered += chunk.length;
      }
    }
  }

  /** Up to `max` bytes, as few copies as possible; undefined at the end of the input. */
  async some(max: number): Promise<Buffer | undefined> {
    await this.fill(1);
    const first = this.chunks[0];
    if (first === undefined) return undefined;
    if (first.length <= max) {
      this.chunks.shift();
      this.buffered -= first.length;
      return first;
    }
    this.chunks[0] = first.subarray(max);
    this.buffered -= max;
    return first.subarray(0, max);
  }

  async read(length: number): Promise<Buffer | undefined> {
    await this.fill(length);
    if (this.buffered === 0) return undefined;
    if (this.buffered < length) throw new TarFormatError('the tar archive is truncated');
    const parts: Buffer[] = [];
    let needed = length;
    while (needed > 0) {
      const part = (await this.some(needed)) as Buffer;
      parts.push(part);
      needed -= part.length;
    }
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, length);
  }

  async skip(length: number): Promise<void> {
    let left = length;
    while (left > 0) {
      const part = await this.some(left);
      if (part === undefined) throw new TarFormatError('the tar archive is truncated');
      left -= part.length;
    }
  }
}

export interface TarStreamEntry extends TarEntry {
  /** The content in chunks; valid only until the next entry is asked for. What is not read is skipped. */
  body(): AsyncIterable<Buffer>;
  /** The whole content in one buffer (for small entries such as manifests). */
  buffer(): Promise<Buffer>;
}

/**
 * The entries of a tar stream in archive order. Each entry's content must be read (or left) before the next
 * iteration: the reader skips what was not read.
 */
export async function* readTarStream(input: AsyncIterable<Uint8Array>): AsyncGenerator<TarStreamEntry> {
  const source = new StreamSource(input[Symbol.asyncIterator]());
  for (;;) {
    const header = await nextHeader(source);
    if (header === undefined) return;
    const total = contentBytes(header);
    let left = total;
    let used = false;
    const body = async function* (): AsyncGenerator<Buffer> {
      if (used) throw new Error(`the content of tar entry ${header.name} was already read`);
      used = true;
      while (left > 0) {
        const chunk = await source.some(left);
        if (chunk === undefined) throw new TarFormatError('the tar archive is truncated');
        left -= chunk.length;
        yield chunk;
      }
    };
    yield {
      ...header,
      body,
      buffer: async () => {
        const parts: Buffer[] = [];
        for await (const chunk of body()) parts.push(chunk);
        return Buffer.concat(parts, total);
      },
    };
    await source.skip(left + (padded(total) - total));
  }
}

/** An entry of a `TarFile`: where its content starts in the file. */
export interface IndexedTarEntry extends TarEntry {
  offset: number;
}

class FileSource implements ByteSource {
  position = 0;
  constructor(
    private readonly handle: FileHandle,
    private readonly fileSize: number,
  ) {}

  async read(length: number): Promise<Buffer | undefined> {
    if (this.position >= this.fileSize) return undefined;
    const data = Buffer.alloc(length);
    const { bytesRead } = await this.handle.read(data, 0, length, this.position);
    if (bytesRead < length) throw new TarFormatError('the tar archive is truncated');
    this.position += length;
    return data;
  }

  async skip(length: number): Promise<void> {
    if (this.position + length > this.fileSize) throw new TarFormatError('the tar archive is truncated');
    this.position += length;
  }
}

const MAX_LINK_HOPS = 16;

/** A tar file on disk, indexed by entry name; later entries of one name replace earlier ones (tar's rule). */
export class TarFile {
  private constructor(
    readonly path: string,
    private readonly index: ReadonlyMap<string, IndexedTarEntry>,
  ) {}

  /** Reads every header once (content is skipped, not read). */
  static async open(path: string): Promise<TarFile> {
    const handle = await open(path, 'r');
    try {
      const source = new FileSource(handle, (await handle.stat()).size);
      const index = new Map<string, IndexedTarEntry>();
      for (;;) {
        const header = await nextHeader(source);
        if (header === undefined) break;
        const bytes = contentBytes(header);
        index.set(header.name, { ...header, offset: source.position });
        await source.skip(padded(bytes));
      }
      return new TarFile(path, index);
    } finally {
      await handle.close();
    }
  }

  get entries(): IndexedTarEntry[] {
    return [...this.index.values()];
  }

  /** The entry itself, links not followed. */
  entry(name: string): IndexedTarEntry | undefined {
    return this.index.get(normalizeName(name));
  }

  /**
   * The file an entry name leads to, following symlinks (relative to the link's folder) and hard links
   * (archive paths): moby's save links a layer seen twice to its first copy.
   */
  resolve(name: string): IndexedTarEntry | undefined {
    let current = this.entry(name);
    for (let hop = 0; current !== undefined && hop < MAX_LINK_HOPS; hop++) {
      if (current.type === 'file') return current;
      if (current.type === 'symlink') {
        const target = current.linkName.startsWith('/')
          ? current.linkName.slice(1)
          : posix.join(posix.dirname(current.name), current.linkName);
        current = this.entry(target);
      } else if (current.type === 'hardlink') current = this.entry(current.linkName);
      else return undefined;
    }
    return undefined;
  }

  private file(name: string): IndexedTarEntry {
    const found = this.resolve(name);
    if (found === undefined) throw new TarFormatError(`${this.path} holds no file ${name}`);
    return found;
  }

  /** The content of a file entry as a stream (links followed). */
  createReadStream(name: string): Readable {
    const entry = this.file(name);
    if (entry.size === 0) return Readable.from([]);
    return createReadStream(this.path, { start: entry.offset, end: entry.offset + entry.size - 1 });
  }

  async readBuffer(name: string): Promise<Buffer> {
    const entry = this.file(name);
    const handle = await open(this.path, 'r');
    try {
      const data = Buffer.alloc(entry.size);
      const { bytesRead } = await handle.read(data, 0, entry.size, entry.offset);
      if (bytesRead < entry.size) throw new TarFormatError(`${this.path} is truncated inside ${name}`);
      return data;
    } finally {
      await handle.close();
    }
  }
}
