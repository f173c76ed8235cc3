import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sleep } from '../src/exec.js';
import { withFileLock } from '../src/file-lock.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'file-lock-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('withFileLock', () => {
  it('runs one holder at a time', async () => {
    const lock = join(dir, 'lock');
    const events: string[] = [];
    const holder = (name: string) =>
      withFileLock(lock, async () => {
        events.push(`${name} in`);
        await sleep(50);
        events.push(`${name} out`);
      });
    await Promise.all([holder('a'), holder('b')]);
    expect(events).toEqual(['a in', 'a out', 'b in', 'b out']);
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over a lock whose owner has died', async () => {
    const lock = join(dir, 'lock');
    const dead = spawnSync('true').pid; // a pid that has exited
    writeFileSync(lock, String(dead));
    expect(await withFileLock(lock, async () => 'held', 5000)).toBe('held');
  });

  it('releases the lock when the holder throws', async () => {
    const lock = join(dir, 'lock');
    await expect(withFileLock(lock, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(lock)).toBe(false);
  });

  it('gives up after its timeout while a live process holds the lock, naming the lock', async () => {
    const lock = join(dir, 'lock');
    writeFileSync(lock, '1'); // pid 1 always runs
    await expect(withFileLock(lock, async () => 'never', 300)).rejects.toThrow(
      `waiting for the lock ${lock}`,
    );
  });
});
