import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isAlive, sleep } from './exec.js';

/**
 * Runs `fn` while holding an exclusive lock file. Node has no flock, so the lock is a file created with
 * O_EXCL that holds the owner's pid; a lock whose owner died (a test run killed mid-way) is taken over.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, timeoutMs = 600_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const stale = staleOwner(path);
      if (stale !== undefined) {
        // Re-read just before removing so that a lock another waiter has just taken is left alone.
        if (staleOwner(path) === stale) rmSync(path, { force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new Error(`timed out after ${timeoutMs} ms waiting for the lock ${path}`);
      await sleep(100);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { force: true });
  }
}

/** The pid recorded in a lock whose owner no longer runs, else undefined. */
function staleOwner(path: string): number | undefined {
  let owner: number;
  try {
    owner = Number(readFileSync(path, 'utf8'));
  } catch {
    return undefined; // removed between our attempt and this read: simply try again
  }
  // An empty file means the owner is between create and write; give it time.
  const stale = Number.isInteger(owner) && owner > 0 && owner !== process.pid && !isAlive(owner);
  return stale ? owner : undefined;
}
