import { readFileSync } from 'node:fs';

/** Reads a small kernel file (/proc, /sys); `undefined` when it does not exist on this host. */
export type TextFileReader = (path: string) => string | undefined;

export const readTextFile: TextFileReader = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};

export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

export function percentOf(part: number, whole: number): number {
  return whole > 0 ? round((part / whole) * 100, 1) : 0;
}
