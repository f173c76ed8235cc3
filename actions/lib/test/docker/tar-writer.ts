/**
 * A test-side tar writer: just enough to build archives in the shapes the reader must handle (ustar with a
 * prefix, GNU long names, pax paths, links), independently of the reader's code.
 */
export interface TarWriterEntry {
  name: string;
  content?: Buffer | string;
  type?: 'file' | 'directory' | 'symlink' | 'hardlink';
  linkName?: string;
  /** How a name longer than 100 bytes is written: a GNU `L` record (moby) or a pax `path` (Go, bsdtar). */
  longNames?: 'gnu' | 'pax' | 'ustar-prefix';
}

function octal(value: number, length: number): string {
  return `${value.toString(8).padStart(length - 1, '0')}\0`;
}

function header(fields: {
  name: string;
  size: number;
  typeFlag: string;
  linkName?: string;
  prefix?: string;
}): Buffer {
  const block = Buffer.alloc(512);
  block.write(fields.name.slice(0, 100), 0, 'utf8');
  block.write(octal(0o644, 8), 100);
  block.write(octal(0, 8), 108);
  block.write(octal(0, 8), 116);
  block.write(octal(fields.size, 12), 124);
  block.write(octal(0, 12), 136);
  block.write('        ', 148);
  block.write(fields.typeFlag, 156);
  block.write((fields.linkName ?? '').slice(0, 100), 157);
  block.write('ustar\0', 257);
  block.write('00', 263);
  if (fields.prefix) block.write(fields.prefix, 345);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}

function withPadding(data: Buffer): Buffer {
  const pad = (512 - (data.length % 512)) % 512;
  return Buffer.concat([data, Buffer.alloc(pad)]);
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = body.length + 1;
  while (`${length}${body}`.length !== length) length = `${length}${body}`.length;
  return `${length}${body}`;
}

const TYPE_FLAGS = { file: '0', directory: '5', symlink: '2', hardlink: '1' } as const;

export function tarArchive(entries: readonly TarWriterEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const content = Buffer.from(entry.content ?? '');
    const typeFlag = TYPE_FLAGS[entry.type ?? 'file'];
    let name = entry.name;
    let prefix: string | undefined;
    if (Buffer.byteLength(name) > 100) {
      const style = entry.longNames ?? 'gnu';
      if (style === 'gnu') {
        const long = Buffer.from(`${name}\0`);
        parts.push(header({ name: '././@LongLink', size: long.length, typeFlag: 'L' }), withPadding(long));
      } else if (style === 'pax') {
        const records = Buffer.from(paxRecord('path', name));
        parts.push(header({ name: 'PaxHeader', size: records.length, typeFlag: 'x' }), withPadding(records));
      } else {
        const cut = name.lastIndexOf('/', 155);
        prefix = name.slice(0, cut);
        name = name.slice(cut + 1);
      }
    }
    parts.push(header({ name, size: content.length, typeFlag, linkName: entry.linkName, prefix }));
    if (content.length > 0) parts.push(withPadding(content));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}
