import { cpus } from 'node:os';
import { type CgroupReading, readCgroup } from './cgroup.js';
import { type CpuTimes, cpuPercentBetween, parseProcStat } from './cpu.js';
import { type DiskBytes, readDisk } from './disk.js';
import { percentOf, readTextFile, round, type TextFileReader } from './files.js';
import { type LoadAverage, parseLoadavg } from './load.js';
import { type MemoryBytes, parseMeminfo } from './memory.js';

/** One reading of the host and the container, in base units; the HTTP and Prometheus views derive from it. */
export interface SystemSnapshot {
  sampledAt: Date;
  cpuPercent: number;
  cpuCores: number;
  memory: MemoryBytes;
  disk: DiskBytes & { path: string };
  load: LoadAverage;
  cgroup: (CgroupReading & { cpuPercent: number | null }) | null;
}

export interface SystemSamplerOptions {
  procRoot?: string;
  cgroupRoot?: string;
  diskPath: string;
  intervalMs?: number;
  read?: TextFileReader;
  readDiskAt?: (path: string) => Promise<DiskBytes>;
  /** Reports a failed background sample; the previous snapshot keeps being served meanwhile. */
  onError?: (error: unknown) => void;
}

/** Anything that can hand out the latest system snapshot without doing I/O on the caller's time. */
export interface SystemSource {
  latest(): SystemSnapshot;
}

const MB = 1024 * 1024;
const GB = 1024 * 1024 * 1024;

/**
 * Samples /proc, statfs and the cgroup files in the background (every second by default), so that a
 * request only reads the last snapshot: the earlier service slept 100 ms inside each request to measure CPU.
 * CPU percentages are deltas between two consecutive samples; the very first one covers the time since boot.
 */
export class SystemSampler implements SystemSource {
  private readonly read: TextFileReader;
  private readonly procRoot: string;
  private readonly cgroupRoot: string;
  private previousCpu: CpuTimes = { busy: 0, total: 0 };
  private previousCgroup: { usageSeconds: number; at: number } | null = null;
  private snapshot: SystemSnapshot | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: SystemSamplerOptions) {
    this.read = options.read ?? readTextFile;
    this.procRoot = options.procRoot ?? '/proc';
    this.cgroupRoot = options.cgroupRoot ?? '/sys/fs/cgroup';
  }

  /** Takes the first sample (so `latest()` never waits) and keeps sampling until `stop()`. */
  async start(): Promise<void> {
    await this.sample();
    this.timer = setInterval(() => {
      this.sample().catch((error) => this.options.onError?.(error));
    }, this.options.intervalMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  latest(): SystemSnapshot {
    if (!this.snapshot) throw new Error('SystemSampler.latest() called before start()');
    return this.snapshot;
  }

  private file(name: string): string {
    const path = `${this.procRoot}/${name}`;
    const text = this.read(path);
    if (text === undefined) throw new Error(`${path} does not exist: the system figures need Linux /proc`);
    return text;
  }

  async sample(): Promise<SystemSnapshot> {
    const now = Date.now();
    const cpuTimes = parseProcStat(this.file('stat'));
    const disk = await (this.options.readDiskAt ?? readDisk)(this.options.diskPath);
    const snapshot: SystemSnapshot = {
      sampledAt: new Date(now),
      cpuPercent: cpuPercentBetween(this.previousCpu, cpuTimes),
      cpuCores: cpus().length,
      memory: parseMeminfo(this.file('meminfo')),
      disk: { ...disk, path: this.options.diskPath },
      load: parseLoadavg(this.file('loadavg')),
      cgroup: this.sampleCgroup(now),
    };
    this.previousCpu = cpuTimes;
    this.snapshot = snapshot;
    return snapshot;
  }

  private sampleCgroup(now: number): SystemSnapshot['cgroup'] {
    let reading: CgroupReading | null;
    try {
      reading = readCgroup({
        root: this.cgroupRoot,
        selfCgroup: this.read(`${this.procRoot}/self/cgroup`) ?? '',
        read: this.read,
      });
    } catch (error) {
      // A host whose cgroup files are unreadable still has host figures worth serving.
      this.options.onError?.(error);
      reading = null;
    }
    if (!reading) return null;
    const previous = this.previousCgroup;
    this.previousCgroup = { usageSeconds: reading.cpuUsageSeconds, at: now };
    if (!previous || now <= previous.at) return { ...reading, cpuPercent: null };
    const cores = reading.cpuQuotaCores ?? cpus().length;
    const busy = (reading.cpuUsageSeconds - previous.usageSeconds) / ((now - previous.at) / 1000);
    return { ...reading, cpuPercent: round(Math.max(0, (busy / cores) * 100), 1) };
  }
}

/** The JSON of GET /metrics/system: the contract's fields and rounding, plus the container section. */
export function systemJson(s: SystemSnapshot) {
  const memoryUsed = s.memory.total - s.memory.available;
  return {
    cpu: { percent: s.cpuPercent, cores: s.cpuCores },
    memory: {
      total_mb: round(s.memory.total / MB, 2),
      used_mb: round(memoryUsed / MB, 2),
      percent: percentOf(memoryUsed, s.memory.total),
    },
    disk: {
      path: s.disk.path,
      total_gb: round(s.disk.total / GB, 2),
      used_gb: round(s.disk.used / GB, 2),
      // Like df and psutil: the share of what non-root writers can use, root's reserve left out.
      percent: percentOf(s.disk.used, s.disk.used + s.disk.available),
    },
    load_average: {
      '1m': round(s.load.load1, 2),
      '5m': round(s.load.load5, 2),
      '15m': round(s.load.load15, 2),
    },
    container: s.cgroup && {
      cgroup_version: s.cgroup.version,
      memory: {
        limit_mb: s.cgroup.memoryLimitBytes === null ? null : round(s.cgroup.memoryLimitBytes / MB, 2),
        usage_mb: round(s.cgroup.memoryUsageBytes / MB, 2),
        working_set_mb: round(s.cgroup.memoryWorkingSetBytes / MB, 2),
        percent:
          s.cgroup.memoryLimitBytes === null
            ? null
            : percentOf(s.cgroup.memoryWorkingSetBytes, s.cgroup.memoryLimitBytes),
      },
      cpu: {
        quota_cores: s.cgroup.cpuQuotaCores === null ? null : round(s.cgroup.cpuQuotaCores, 3),
        usage_seconds: round(s.cgroup.cpuUsageSeconds, 3),
        percent: s.cgroup.cpuPercent,
      },
    },
    sampled_at: s.sampledAt.toISOString(),
  };
}
