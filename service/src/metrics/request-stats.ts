/** How many recent durations each route keeps for its percentiles: bounded memory, recent behaviour. */
const WINDOW = 1024;

interface RouteStats {
  count: number;
  durations: number[];
  next: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** In-process request figures for GET /metrics/app (Prometheus gets its own counters and histogram). */
export class RequestStats {
  total = 0;
  inFlight = 0;
  private readonly routes = new Map<string, RouteStats>();

  /** Counts the request when it arrives, so requests_count includes the one asking for it. */
  started(): void {
    this.inFlight++;
    this.total++;
  }

  finished(route: string, seconds: number): void {
    this.inFlight--;
    let stats = this.routes.get(route);
    if (!stats) {
      stats = { count: 0, durations: [], next: 0 };
      this.routes.set(route, stats);
    }
    stats.count++;
    stats.durations[stats.next] = seconds * 1000;
    stats.next = (stats.next + 1) % WINDOW;
  }

  /** Per route: answered requests and latency percentiles in ms over the last WINDOW requests. */
  byRoute(): Record<string, { count: number; latency_ms: { p50: number; p90: number; p99: number } }> {
    const result: ReturnType<RequestStats['byRoute']> = {};
    for (const [route, stats] of [...this.routes].sort(([a], [b]) => a.localeCompare(b))) {
      const sorted = [...stats.durations].sort((a, b) => a - b);
      const ms = (p: number) => Math.round(percentile(sorted, p) * 1000) / 1000;
      result[route] = { count: stats.count, latency_ms: { p50: ms(50), p90: ms(90), p99: ms(99) } };
    }
    return result;
  }
}
