export interface MemoryBytes {
  total: number;
  available: number;
}

/** Total and available memory from /proc/meminfo (reported there in kB). */
export function parseMeminfo(text: string): MemoryBytes {
  const kib = (key: string): number => {
    const match = new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(text);
    if (!match) throw new Error(`/proc/meminfo has no '${key}' line`);
    return Number(match[1]) * 1024;
  };
  return { total: kib('MemTotal'), available: kib('MemAvailable') };
}
