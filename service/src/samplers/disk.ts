import { statfs } from 'node:fs/promises';

export interface DiskBytes {
  total: number;
  used: number;
  /** What an unprivileged writer can still use (excludes the blocks reserved for root). */
  available: number;
}

export interface StatfsFigures {
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
}

export function diskFromStatfs(s: StatfsFigures): DiskBytes {
  return { total: s.blocks * s.bsize, used: (s.blocks - s.bfree) * s.bsize, available: s.bavail * s.bsize };
}

export async function readDisk(path: string): Promise<DiskBytes> {
  return diskFromStatfs(await statfs(path));
}
