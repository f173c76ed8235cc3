import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { dbCacheKey, dbIsFresh, type TrivyDbMetadata, updateDb } from '../../src/trivy/db.js';
import type { Trivy } from '../../src/trivy/trivy-cli.js';

const metadata: TrivyDbMetadata = {
  Version: 2,
  UpdatedAt: '2025-11-20T06:14:07.123Z',
  NextUpdate: '2025-11-21T06:14:07Z',
};
const dirs: string[] = [];

function cacheDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'trivy-db-'));
  dirs.push(dir);
  return dir;
}

function writeMetadata(dir: string, value: TrivyDbMetadata): void {
  mkdirSync(join(dir, 'db'), { recursive: true });
  writeFileSync(join(dir, 'db', 'metadata.json'), JSON.stringify(value));
}

/** A Trivy whose DB download succeeds only for the given repositories. */
function fakeTrivy(working: string[]): Trivy & { tried: string[] } {
  const tried: string[] = [];
  return {
    tried,
    version: async () => '0.58.1',
    downloadDb: async (repository, dir) => {
      tried.push(repository);
      if (!working.includes(repository)) throw new Error(`cannot reach ${repository}`);
      writeMetadata(dir, metadata);
    },
    scanImage: async () => {},
    convertToSarif: async () => {},
  };
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('dbCacheKey', () => {
  test('comes from the schema version and build time, not the date of the run', () => {
    expect(dbCacheKey(metadata)).toBe('trivy-db-v2-20251120T061407123Z');
    expect(dbCacheKey({ ...metadata, NextUpdate: '2030-01-01T00:00:00Z' })).toBe(dbCacheKey(metadata));
    expect(dbCacheKey({ ...metadata, UpdatedAt: '2025-11-21T06:00:00Z' })).not.toBe(dbCacheKey(metadata));
  });
});

describe('dbIsFresh', () => {
  test.each([
    ['2025-11-21T06:14:06Z', true],
    ['2025-11-21T06:14:07Z', false],
  ])('at %s: %s', (now, fresh) => {
    expect(dbIsFresh(metadata, new Date(now))).toBe(fresh);
  });
});

describe('updateDb', () => {
  test('falls back through the repositories in order until one works', async () => {
    const trivy = fakeTrivy(['second']);
    const update = await updateDb(
      trivy,
      ['first', 'second', 'third'],
      cacheDir(),
      new Date('2025-11-20T07:00:00Z'),
    );
    expect(trivy.tried).toEqual(['first', 'second']);
    expect(update.repository).toBe('second');
    expect(update.failures).toEqual(['first: cannot reach first']);
  });

  test('keeps a cached DB that is still fresh without downloading', async () => {
    const dir = cacheDir();
    writeMetadata(dir, metadata);
    const trivy = fakeTrivy([]);
    const update = await updateDb(trivy, ['first'], dir, new Date('2025-11-20T07:00:00Z'));
    expect(trivy.tried).toEqual([]);
    expect(update.repository).toBeUndefined();
  });

  test('fails with every repository and its error when none works', async () => {
    await expect(updateDb(fakeTrivy([]), ['a', 'b'], cacheDir(), new Date())).rejects.toThrow(
      'No Trivy DB repository could be used:\na: cannot reach a\nb: cannot reach b',
    );
  });
});
