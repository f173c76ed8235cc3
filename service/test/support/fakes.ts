import type { ServiceConfig } from '../../src/config.js';
import type { LatencySource, TargetMeasurement } from '../../src/latency/monitor.js';
import type { SystemSnapshot, SystemSource } from '../../src/samplers/system.js';

export const testConfig = (overrides: Partial<ServiceConfig> = {}): ServiceConfig => ({
  port: 8000,
  appName: 'k8s-cluster-performance-stack',
  appVersion: '1.0.0',
  environment: 'dev',
  diskPath: '/',
  latencyTargets: [],
  latencyIntervalSeconds: 30,
  latencyTimeoutMs: 2000,
  shutdownGraceSeconds: 20,
  logLevel: 'info',
  ...overrides,
});

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** The contract's example figures, in the base units the sampler produces. */
export const contractSnapshot: SystemSnapshot = {
  sampledAt: new Date('2025-11-15T15:30:00.000Z'),
  cpuPercent: 21.3,
  cpuCores: 2,
  memory: { total: 993 * MiB, available: 543 * MiB },
  disk: { path: '/', total: 20 * GiB, used: 8.4 * GiB, available: 11.6 * GiB },
  load: { load1: 0.42, load5: 0.36, load15: 0.3 },
  cgroup: {
    version: 2,
    memoryLimitBytes: 256 * MiB,
    memoryUsageBytes: 100 * MiB,
    memoryWorkingSetBytes: 64 * MiB,
    cpuQuotaCores: 0.5,
    cpuUsageSeconds: 12.5,
    cpuPercent: 10,
  },
};

export class FixedSystem implements SystemSource {
  constructor(private readonly snapshot: SystemSnapshot = contractSnapshot) {}
  latest(): SystemSnapshot {
    return this.snapshot;
  }
}

export class FixedLatency implements LatencySource {
  readonly intervalSeconds = 30;
  constructor(private readonly list: TargetMeasurement[] = []) {}
  measurements(): TargetMeasurement[] {
    return this.list;
  }
}
