import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TextFileReader } from './files.js';

/** What the kernel's control group says about this process's container, in base units. */
export interface CgroupReading {
  version: 1 | 2;
  /** null when the group has no memory limit. */
  memoryLimitBytes: number | null;
  memoryUsageBytes: number;
  /** Usage minus inactive file cache: what the kubelet compares with the limit before an OOM kill. */
  memoryWorkingSetBytes: number;
  /** CPU quota in cores (quota / period); null when unlimited. */
  cpuQuotaCores: number | null;
  cpuUsageSeconds: number;
}

export interface CgroupSource {
  /** Where the cgroup filesystem is mounted, normally /sys/fs/cgroup. */
  root: string;
  /** The text of /proc/self/cgroup. */
  selfCgroup: string;
  read: TextFileReader;
  exists?: (path: string) => boolean;
}

// cgroup v1 reports "no limit" as the largest page-aligned int64, not as a word.
const V1_UNLIMITED = 2 ** 62;

function num(text: string | undefined, what: string): number {
  const value = Number(text?.trim());
  if (text === undefined || !Number.isFinite(value))
    throw new Error(`${what} is not a number: '${text?.trim()}'`);
  return value;
}

function statField(text: string | undefined, key: string): number | undefined {
  const match = text === undefined ? null : new RegExp(`^${key} (\\d+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

/** Maps each controller (or '' for the v2 unified hierarchy) to this process's path inside it. */
export function parseSelfCgroup(text: string): Map<string, string> {
  const paths = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line.trim());
    if (!match) continue;
    for (const controller of match[1]!.split(',')) paths.set(controller.replace(/^name=/, ''), match[2]!);
  }
  return paths;
}

/**
 * The process's own group directory when it is visible, else the controller's root: inside a container
 * with its own cgroup namespace or a bind-mounted group, the root already is the container's group.
 */
function groupDir(source: CgroupSource, controllerDir: string, path: string | undefined): string {
  const exists = source.exists ?? existsSync;
  const own = path && path !== '/' ? join(controllerDir, path) : controllerDir;
  return exists(own) ? own : controllerDir;
}

function readV2(source: CgroupSource, path: string | undefined): CgroupReading {
  const dir = groupDir(source, source.root, path);
  const file = (name: string) => source.read(join(dir, name));
  const memoryMax = file('memory.max')?.trim();
  const usage = num(file('memory.current'), 'memory.current');
  const inactive = statField(file('memory.stat'), 'inactive_file') ?? 0;
  const [quota, period] = (file('cpu.max') ?? 'max 100000').trim().split(/\s+/);
  const usageMicros = statField(file('cpu.stat'), 'usage_usec');
  if (usageMicros === undefined) throw new Error(`${join(dir, 'cpu.stat')} has no usage_usec`);
  return {
    version: 2,
    memoryLimitBytes: memoryMax === undefined || memoryMax === 'max' ? null : num(memoryMax, 'memory.max'),
    memoryUsageBytes: usage,
    memoryWorkingSetBytes: Math.max(0, usage - inactive),
    cpuQuotaCores:
      quota === 'max' || quota === undefined ? null : num(quota, 'cpu.max') / num(period, 'cpu.max period'),
    cpuUsageSeconds: usageMicros / 1e6,
  };
}

function readV1(source: CgroupSource, paths: Map<string, string>): CgroupReading {
  const memoryDir = groupDir(source, join(source.root, 'memory'), paths.get('memory'));
  const cpuDir = groupDir(source, join(source.root, 'cpu'), paths.get('cpu'));
  const cpuacctDir = groupDir(source, join(source.root, 'cpuacct'), paths.get('cpuacct'));
  const limit = num(source.read(join(memoryDir, 'memory.limit_in_bytes')), 'memory.limit_in_bytes');
  const usage = num(source.read(join(memoryDir, 'memory.usage_in_bytes')), 'memory.usage_in_bytes');
  const inactive = statField(source.read(join(memoryDir, 'memory.stat')), 'total_inactive_file') ?? 0;
  const quota = Number(source.read(join(cpuDir, 'cpu.cfs_quota_us'))?.trim() ?? '-1');
  const period = Number(source.read(join(cpuDir, 'cpu.cfs_period_us'))?.trim() ?? '100000');
  const usageNanos = num(source.read(join(cpuacctDir, 'cpuacct.usage')), 'cpuacct.usage');
  return {
    version: 1,
    memoryLimitBytes: limit >= V1_UNLIMITED ? null : limit,
    memoryUsageBytes: usage,
    memoryWorkingSetBytes: Math.max(0, usage - inactive),
    cpuQuotaCores: quota > 0 && period > 0 ? quota / period : null,
    cpuUsageSeconds: usageNanos / 1e9,
  };
}

/**
 * Reads the memory and CPU figures of this process's cgroup: v2 when the unified hierarchy carries the
 * controllers, v1 when the memory controller has its own hierarchy (this project's CI hosts), `null` when
 * neither is mounted (not Linux, or a sandbox without /sys).
 */
export function readCgroup(source: CgroupSource): CgroupReading | null {
  const exists = source.exists ?? existsSync;
  const paths = parseSelfCgroup(source.selfCgroup);
  if (exists(join(source.root, 'cgroup.controllers'))) return readV2(source, paths.get(''));
  if (exists(join(source.root, 'memory', 'memory.limit_in_bytes'))) return readV1(source, paths);
  return null;
}
