import { Counter, Gauge, type Registry } from 'prom-client';
import type { ServiceConfig } from '../config.js';
import type { LatencySource } from '../latency/monitor.js';
import type { SystemSource } from '../samplers/system.js';

export function registerBuildInfo(registry: Registry, config: ServiceConfig): void {
  const info = new Gauge({
    name: 'metrics_api_build_info',
    help: 'Always 1; the labels say which build of the metrics API is running.',
    labelNames: ['version', 'revision', 'environment'],
    registers: [registry],
  });
  info.set(
    {
      version: config.appVersion,
      revision: config.gitRevision ?? 'unknown',
      environment: config.environment,
    },
    1,
  );
}

/** A gauge whose value is read from `value()` at scrape time; absent from the output when it returns null. */
function liveGauge(
  registry: Registry,
  name: string,
  help: string,
  value: () => number | null,
  labels = {},
): void {
  new Gauge({
    name,
    help,
    labelNames: Object.keys(labels),
    registers: [registry],
    collect() {
      this.reset();
      const current = value();
      if (current !== null) this.set(labels, current);
    },
  });
}

/**
 * The host and container figures in base units, named like node_exporter's (`*_bytes`, `load1`) under a
 * `system_` / `cgroup_` prefix: node_exporter and cAdvisor may be scraped by the same Prometheus, and the
 * same names would mix their series with this service's view of the node.
 */
export function registerSystemGauges(registry: Registry, system: SystemSource): void {
  const s = () => system.latest();
  const disk = () => ({ path: s().disk.path });
  liveGauge(
    registry,
    'system_cpu_usage_ratio',
    'Share of host CPU time spent busy over the last sample (0-1).',
    () => s().cpuPercent / 100,
  );
  liveGauge(registry, 'system_cpu_cores', 'Logical CPUs of the host.', () => s().cpuCores);
  liveGauge(registry, 'system_memory_total_bytes', 'Host memory (MemTotal).', () => s().memory.total);
  liveGauge(
    registry,
    'system_memory_available_bytes',
    'Host memory available to start new work (MemAvailable).',
    () => s().memory.available,
  );
  liveGauge(
    registry,
    'system_memory_used_bytes',
    'Host memory in use: MemTotal minus MemAvailable.',
    () => s().memory.total - s().memory.available,
  );
  new Gauge({
    name: 'system_filesystem_size_bytes',
    help: 'Size of the filesystem holding DISK_PATH.',
    labelNames: ['path'],
    registers: [registry],
    collect() {
      this.set(disk(), s().disk.total);
    },
  });
  new Gauge({
    name: 'system_filesystem_used_bytes',
    help: 'Bytes in use on the filesystem holding DISK_PATH.',
    labelNames: ['path'],
    registers: [registry],
    collect() {
      this.set(disk(), s().disk.used);
    },
  });
  new Gauge({
    name: 'system_filesystem_avail_bytes',
    help: 'Bytes non-root users can still write on the filesystem holding DISK_PATH.',
    labelNames: ['path'],
    registers: [registry],
    collect() {
      this.set(disk(), s().disk.available);
    },
  });
  liveGauge(registry, 'system_load1', '1-minute load average of the host.', () => s().load.load1);
  liveGauge(registry, 'system_load5', '5-minute load average of the host.', () => s().load.load5);
  liveGauge(registry, 'system_load15', '15-minute load average of the host.', () => s().load.load15);

  // Registered only where a cgroup was readable at start-up (always so on Linux nodes). "Unlimited" is 0,
  // as cAdvisor reports it, since a series without labels cannot be left out of a scrape.
  if (s().cgroup === null) return;
  const cg = () => s().cgroup;
  liveGauge(
    registry,
    'cgroup_memory_limit_bytes',
    "Memory limit of the service's cgroup; 0 when unlimited.",
    () => cg()?.memoryLimitBytes ?? 0,
  );
  liveGauge(
    registry,
    'cgroup_memory_usage_bytes',
    "Memory charged to the service's cgroup, page cache included.",
    () => cg()?.memoryUsageBytes ?? 0,
  );
  liveGauge(
    registry,
    'cgroup_memory_working_set_bytes',
    'Cgroup memory minus inactive file cache: what the OOM killer weighs.',
    () => cg()?.memoryWorkingSetBytes ?? 0,
  );
  liveGauge(
    registry,
    'cgroup_cpu_quota_cores',
    "CPU quota of the service's cgroup in cores; 0 when unlimited.",
    () => cg()?.cpuQuotaCores ?? 0,
  );
  new Counter({
    name: 'cgroup_cpu_usage_seconds_total',
    help: "CPU time used by the service's cgroup.",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(cg()?.cpuUsageSeconds ?? 0);
    },
  });
}

export function registerLatencyGauges(registry: Registry, latency: LatencySource): void {
  new Gauge({
    name: 'tcp_latency_seconds',
    help: 'TCP handshake time to a configured target at its last probe; absent while it is unreachable.',
    labelNames: ['host', 'port'],
    registers: [registry],
    collect() {
      this.reset();
      for (const m of latency.measurements()) {
        if (m.result.latencyMs !== null)
          this.set({ host: m.host, port: String(m.port) }, m.result.latencyMs / 1000);
      }
    },
  });
  new Gauge({
    name: 'tcp_up',
    help: '1 if the last TCP probe of the target connected, 0 otherwise.',
    labelNames: ['host', 'port'],
    registers: [registry],
    collect() {
      this.reset();
      for (const m of latency.measurements()) {
        this.set({ host: m.host, port: String(m.port) }, m.result.status === 'ok' ? 1 : 0);
      }
    },
  });
}
