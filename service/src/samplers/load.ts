export interface LoadAverage {
  load1: number;
  load5: number;
  load15: number;
}

export function parseLoadavg(text: string): LoadAverage {
  const [load1, load5, load15] = text.trim().split(/\s+/).slice(0, 3).map(Number);
  if (![load1, load5, load15].every((n) => n !== undefined && Number.isFinite(n))) {
    throw new Error(`/proc/loadavg is not three numbers: '${text.trim()}'`);
  }
  return { load1: load1!, load5: load5!, load15: load15! };
}
