import type { LatencyTarget } from '../config.js';
import { type ProbeResult, type ProbeSocketFactory, probeTcp } from './tcp-probe.js';

export interface TargetMeasurement extends LatencyTarget {
  result: ProbeResult;
  measuredAt: Date;
}

export interface LatencySource {
  readonly intervalSeconds: number;
  /** The last measurement of every target; targets not probed yet are left out. */
  measurements(): TargetMeasurement[];
}

export interface LatencyMonitorOptions {
  targets: LatencyTarget[];
  intervalSeconds: number;
  timeoutMs: number;
  createSocket?: ProbeSocketFactory;
}

/** Probes every configured target on an interval, all targets concurrently, and keeps the last result. */
export class LatencyMonitor implements LatencySource {
  readonly intervalSeconds: number;
  private readonly latest = new Map<string, TargetMeasurement>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: LatencyMonitorOptions) {
    this.intervalSeconds = options.intervalSeconds;
  }

  /** Runs the first round right away (not awaited: a slow target must not delay start-up), then repeats. */
  start(): void {
    if (this.options.targets.length === 0) return;
    void this.probeAll();
    this.timer = setInterval(() => void this.probeAll(), this.options.intervalSeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async probeAll(): Promise<void> {
    const { targets, timeoutMs, createSocket } = this.options;
    await Promise.all(
      targets.map(async (target) => {
        const result = await probeTcp(target.host, target.port, timeoutMs, createSocket);
        this.latest.set(`${target.host}:${target.port}`, { ...target, result, measuredAt: new Date() });
      }),
    );
  }

  measurements(): TargetMeasurement[] {
    return [...this.latest.values()];
  }
}
