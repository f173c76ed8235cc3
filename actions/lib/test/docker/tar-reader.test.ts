import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readTarStream, TarFile, TarFormatError } from '../../src/docker/tar-reader.js';
import { tarArchive } from './tar-writer.js';

const longName = `${'deep/'.repeat(30)}file.txt`;

async function streamEntries(archive: Buffer, chunkSize = 7) {
  const chunks: Buffer[] = [];
  for (let at = 0; at < archive.length; at += chunkSize) chunks.push(archive.subarray(at, at + chunkSize));
  const seen: { name: string; type: string; content: string; linkName: string }[] = [];
  for await (const entry of readTarStream(Readable.from(chunks))) {
    seen.push({
      name: entry.name,
      type: entry.type,
      content: (await entry.buffer()).toString(),
      linkName: entry.linkName,
    });
  }
  return seen;
}

describe('readTarStream', () => {
  test.each(['gnu', 'pax', 'ustar-prefix'] as const)(
    'reads a %s long name and the content of each entry, across chunk boundaries',
    async (longNames) => {
      const archive = tarArchive([
        { name: 'dir', type: 'directory' },
        { name: './dir/short.txt', content: 'short' },
        { name: longName, content: 'x'.repeat(1000), longNames },
        { name: 'dir/link', type: 'symlink', linkName: 'short.txt' },
      ]);
      expect(await streamEntries(archive)).toEqual([
        { name: 'dir', type: 'directory', content: '', linkName: '' },
        { name: 'dir/short.txt', type: 'file', content: 'short', linkName: '' },
        { name: longName, type: 'file', content: 'x'.repeat(1000), linkName: '' },
        { name: 'dir/link', type: 'symlink', content: '', linkName: 'short.txt' },
      ]);
    },
  );

  test('skips the content of an entry that was not read', async () => {
    const archive = tarArchive([
      { name: 'big', content: Buffer.alloc(5000, 1) },
      { name: 'small', content: 'kept' },
    ]);
    const names: string[] = [];
    let small = '';
    for await (const entry of readTarStream(Readable.from([archive]))) {
      names.push(entry.name);
      if (entry.name === 'small') small = (await entry.buffer()).toString();
    }
    expect(names).toEqual(['big', 'small']);
    expect(small).toBe('kept');
  });

  test('a damaged header is refused, not read as garbage', async () => {
    const archive = tarArchive([{ name: 'a', content: 'a' }]);
    archive[10] = 0x41;
    await expect(streamEntries(archive)).rejects.toThrow(TarFormatError);
    await expect(streamEntries(archive)).rejects.toThrow(/checksum/);
  });

  test('an archive cut inside an entry is refused', async () => {
    const archive = tarArchive([{ name: 'a', content: Buffer.alloc(2000) }]);
    await expect(streamEntries(archive.subarray(0, 1024))).rejects.toThrow(/truncated/);
  });
});

describe('TarFile', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tar-reader-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('indexes a file and reads entries in any order, following symlinks and hard links', async () => {
    const path = join(dir, 'links.tar');
    writeFileSync(
      path,
      tarArchive([
        { name: 'a/layer.tar', content: 'first layer' },
        { name: 'b/layer.tar', type: 'symlink', linkName: '../a/layer.tar' },
        { name: 'c/layer.tar', type: 'hardlink', linkName: 'a/layer.tar' },
        { name: 'empty', content: '' },
        { name: 'manifest.json', content: '[]' },
      ]),
    );
    const tar = await TarFile.open(path);
    expect((await tar.readBuffer('manifest.json')).toString()).toBe('[]');
    expect((await tar.readBuffer('b/layer.tar')).toString()).toBe('first layer');
    expect((await tar.readBuffer('c/layer.tar')).toString()).toBe('first layer');
    expect(tar.resolve('b/layer.tar')?.name).toBe('a/layer.tar');
    const chunks: Buffer[] = [];
    for await (const chunk of tar.createReadStream('empty')) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).length).toBe(0);
    expect(tar.resolve('missing')).toBeUndefined();
    await expect(tar.readBuffer('missing')).rejects.toThrow(/holds no file missing/);
  });

  test.each(['gnu', 'pax', 'ustar'])('reads what GNU tar writes in --format=%s', async (format) => {
    const tree = join(dir, `tree-${format}`);
    const deep = join(tree, ...'abcdefghijklmnopqrstuvwxyz0123456789'.split('').map((c) => c.repeat(4)));
    mkdirSync(deep, { recursive: true });
    const content = 'y'.repeat(70_000);
    writeFileSync(join(deep, 'data.bin'), content);
    symlinkSync('data.bin', join(deep, 'alias'));
    const path = join(dir, `${format}.tar`);
    execFileSync('tar', [`--format=${format}`, '-cf', path, '-C', tree, '.']);
    const tar = await TarFile.open(path);
    const data = tar.entries.find((entry) => entry.name.endsWith('/data.bin'));
    expect(data?.name.length).toBeGreaterThan(100);
    expect((await tar.readBuffer(data?.name as string)).toString()).toBe(content);
    expect((await tar.readBuffer(data?.name.replace('data.bin', 'alias') as string)).toString()).toBe(
      content,
    );
  });
});
