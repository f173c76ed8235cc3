import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSelfCgroup, readCgroup } from '../src/samplers/cgroup.js';
import { cpuPercentBetween, parseProcStat } from '../src/samplers/cpu.js';
import { diskFromStatfs } from '../src/samplers/disk.js';
import { readTextFile } from '../src/samplers/files.js';
import { parseLoadavg } from '../src/samplers/load.js';
import { parseMeminfo } from '../src/samplers/memory.js';
import { SystemSampler, systemJson } from '../src/samplers/system.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (path: string) => readFileSync(join(fixtures, path), 'utf8');
const MiB = 1024 * 1024;

describe('/proc parsers on files captured from a Linux host', () => {
  it('parseProcStat() sums the aggregate cpu line and counts idle and iowait as not busy', () => {
    // cpu  39507 0 14002 60486 636 0 228 151 0 0
    expect(parseProcStat(fixture('proc/stat'))).toEqual({ total: 115010, busy: 115010 - 60486 - 636 });
  });

  it('cpuPercentBetween() is the busy share of the elapsed ticks, one decimal, clamped to 0..100', () => {
    expect(cpuPercentBetween({ busy: 100, total: 1000 }, { busy: 175, total: 1200 })).toBe(37.5);
    expect(cpuPercentBetween({ busy: 100, total: 1000 }, { busy: 100, total: 1000 })).toBe(0);
    expect(cpuPercentBetween({ busy: 0, total: 0 }, { busy: 2, total: 3 })).toBe(66.7);
  });

  it('parseProcStat() rejects a file without the aggregate line', () => {
    expect(() => parseProcStat('cpu0 1 2 3 4\n')).toThrow(/no aggregate 'cpu' line/);
  });

  it('parseMeminfo() reads MemTotal and MemAvailable in bytes', () => {
    expect(parseMeminfo(fixture('proc/meminfo'))).toEqual({
      total: 24684096 * 1024,
      available: 23684956 * 1024,
    });
    expect(() => parseMeminfo('MemTotal: 1 kB\n')).toThrow(/MemAvailable/);
  });

  it('parseLoadavg() reads the three averages', () => {
    expect(parseLoadavg(fixture('proc/loadavg'))).toEqual({ load1: 9.57, load5: 4.46, load15: 1.79 });
    expect(() => parseLoadavg('a b c')).toThrow(/three numbers/);
  });

  it('diskFromStatfs() counts root-reserved blocks as used but not as available', () => {
    expect(diskFromStatfs({ bsize: 4096, blocks: 1000, bfree: 300, bavail: 250 })).toEqual({
      total: 4096 * 1000,
      used: 4096 * 700,
      available: 4096 * 250,
    });
  });
});

describe('readCgroup()', () => {
  it('parses /proc/self/cgroup for v1 controllers and the v2 unified entry', () => {
    const paths = parseSelfCgroup(fixture('cgroup-v1/self-cgroup'));
    expect(paths.get('memory')).toBe('/kubepods/pod1');
    expect(paths.get('cpu')).toBe('/kubepods/pod1');
    expect(paths.get('systemd')).toBe('/');
    expect(parseSelfCgroup('0::/kubepods.slice/pod2\n').get('')).toBe('/kubepods.slice/pod2');
  });

  it("reads a v1 pod's own group: limit, usage, working set, quota and CPU time", () => {
    const reading = readCgroup({
      root: join(fixtures, 'cgroup-v1/sys/fs/cgroup'),
      selfCgroup: fixture('cgroup-v1/self-cgroup'),
      read: readTextFile,
    });
    expect(reading).toEqual({
      version: 1,
      memoryLimitBytes: 256 * MiB,
      memoryUsageBytes: 66478080,
      memoryWorkingSetBytes: 66478080 - 16060416,
      cpuQuotaCores: 0.5,
      cpuUsageSeconds: 1.23456789,
    });
  });

  it('falls back to the hierarchy root in v1 and reports no limit as null (this CI host has none)', () => {
    const reading = readCgroup({
      root: join(fixtures, 'cgroup-v1/sys/fs/cgroup'),
      selfCgroup: fixture('proc/self/cgroup'),
      read: readTextFile,
    });
    expect(reading).toMatchObject({
      version: 1,
      memoryLimitBytes: null,
      memoryUsageBytes: 2303647744,
      memoryWorkingSetBytes: 2303647744 - 610951168,
      cpuQuotaCores: null,
      cpuUsageSeconds: 553.386101382,
    });
  });

  it("reads a v2 pod's group named by the unified entry", () => {
    const reading = readCgroup({
      root: join(fixtures, 'cgroup-v2/sys/fs/cgroup'),
      selfCgroup: fixture('cgroup-v2/self-cgroup'),
      read: readTextFile,
    });
    expect(reading).toEqual({
      version: 2,
      memoryLimitBytes: 256 * MiB,
      memoryUsageBytes: 73400320,
      memoryWorkingSetBytes: 73400320 - 20971520,
      cpuQuotaCores: 0.5,
      cpuUsageSeconds: 8.123456,
    });
  });

  it('reads v2 at the mount root when the container has its own cgroup namespace (0::/)', () => {
    const reading = readCgroup({
      root: join(fixtures, 'cgroup-v2/sys/fs/cgroup/kubepods.slice/pod2'),
      selfCgroup: '0::/\n',
      read: readTextFile,
    });
    expect(reading?.memoryLimitBytes).toBe(256 * MiB);
  });

  it('treats v2 "max" as unlimited', () => {
    const files: Record<string, string> = {
      '/cg/cgroup.controllers': 'memory cpu\n',
      '/cg/memory.max': 'max\n',
      '/cg/memory.current': '1000\n',
      '/cg/cpu.max': 'max 100000\n',
      '/cg/cpu.stat': 'usage_usec 500000\n',
    };
    const reading = readCgroup({
      root: '/cg',
      selfCgroup: '0::/\n',
      read: (p) => files[p],
      exists: (p) => p in files,
    });
    expect(reading).toMatchObject({ memoryLimitBytes: null, cpuQuotaCores: null, cpuUsageSeconds: 0.5 });
  });

  it('returns null when no cgroup filesystem is mounted', () => {
    expect(readCgroup({ root: join(fixtures, 'proc'), selfCgroup: '', read: readTextFile })).toBeNull();
  });
});

describe('SystemSampler', () => {
  const disk = { total: 20 * 1024 ** 3, used: 8.4 * 1024 ** 3, available: 11.6 * 1024 ** 3 };

  it('serves the contract fields with their rounding from fixture /proc and a v1 cgroup', async () => {
    const sampler = new SystemSampler({
      procRoot: join(fixtures, 'proc'),
      cgroupRoot: join(fixtures, 'cgroup-v1/sys/fs/cgroup'),
      diskPath: '/data',
      readDiskAt: async () => disk,
    });
    const body = systemJson(await sampler.sample());
    // (24684096 - 23684956) kB = 975.72 MiB
    expect(body.memory).toEqual({ total_mb: 24105.56, used_mb: 975.72, percent: 4 });
    expect(body.disk).toEqual({ path: '/data', total_gb: 20, used_gb: 8.4, percent: 42 });
    expect(body.load_average).toEqual({ '1m': 9.57, '5m': 4.46, '15m': 1.79 });
    // The first sample has no previous one: it covers the time since boot.
    expect(body.cpu.percent).toBe(46.9);
    expect(body.container).toMatchObject({
      cgroup_version: 1,
      memory: { limit_mb: null },
      cpu: { percent: null },
    });
  });

  it('computes CPU from the delta between two background samples', async () => {
    let stat = 'cpu  100 0 100 800 0 0 0 0 0 0\n';
    const sampler = new SystemSampler({
      procRoot: '/p',
      cgroupRoot: '/nowhere',
      diskPath: '/',
      readDiskAt: async () => disk,
      read: (path) =>
        ({ '/p/stat': stat, '/p/meminfo': fixture('proc/meminfo'), '/p/loadavg': fixture('proc/loadavg') })[
          path
        ],
    });
    await sampler.sample();
    stat = 'cpu  130 0 120 850 0 0 0 0 0 0\n'; // 50 busy ticks of 100
    await sampler.sample();
    expect(sampler.latest().cpuPercent).toBe(50);
    expect(sampler.latest().cgroup).toBeNull();
  });

  it('names the missing file when /proc is not there', async () => {
    const sampler = new SystemSampler({ procRoot: '/no/proc', diskPath: '/', readDiskAt: async () => disk });
    await expect(sampler.sample()).rejects.toThrow('/no/proc/stat does not exist');
  });

  it('samples this machine for real: figures are within their physical ranges', async () => {
    const sampler = new SystemSampler({ diskPath: '/' });
    const body = systemJson(await sampler.sample());
    expect(body.cpu.cores).toBeGreaterThan(0);
    expect(body.memory.used_mb).toBeLessThanOrEqual(body.memory.total_mb);
    expect(body.disk.total_gb).toBeGreaterThan(0);
    expect(body.cpu.percent).toBeGreaterThanOrEqual(0);
    expect(body.cpu.percent).toBeLessThanOrEqual(100);
  });
});
