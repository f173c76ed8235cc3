import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from './exec.js';
import { sandboxSubdir } from './paths.js';

/**
 * A lease says "a test run (this pid) may still use the sandbox". Several runs can share one state
 * directory (two people testing at once): only when the last live lease ends is the sandbox stopped.
 */
function leaseDir(): string {
  return sandboxSubdir('test-leases');
}

function leaseId(id: string): string {
  if (!/^[\w.-]+$/.test(id))
    throw new Error(`test lease id '${id}' must hold only letters, digits and . _ -`);
  return id;
}

export function takeLease(id: string, pid = process.pid): void {
  writeFileSync(join(leaseDir(), leaseId(id)), String(pid));
}

export function dropLease(id: string): void {
  rmSync(join(leaseDir(), leaseId(id)), { force: true });
}

/** Leases whose process still runs; the leases of crashed runs are removed on the way. */
export function liveLeases(): string[] {
  const live: string[] = [];
  for (const id of readdirSync(leaseDir())) {
    const file = join(leaseDir(), id);
    let pid: number;
    try {
      pid = Number(readFileSync(file, 'utf8'));
    } catch {
      continue; // dropped while we listed
    }
    if (isAlive(pid)) live.push(id);
    else rmSync(file, { force: true });
  }
  return live;
}
