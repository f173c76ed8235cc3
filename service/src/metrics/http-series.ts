import { Counter, Histogram, type Registry } from 'prom-client';

/** Seconds; 0.3 is the users' p99 target, so a bucket boundary sits exactly on it. */
export const HTTP_DURATION_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.3, 0.5, 1, 2.5, 5,
] as const;

type HttpLabel = 'method' | 'route' | 'status_code';
const LABEL_NAMES: readonly HttpLabel[] = ['method', 'route', 'status_code'];

interface Series {
  labels: Record<HttpLabel, string>;
  count: number;
  sum: number;
  /** Requests per bucket, not cumulative; the last slot is above the highest bound (+Inf only). */
  perBucket: Float64Array;
}

/**
 * The per-request HTTP figures in plain numbers, handed to prom-client only when /metrics is scraped:
 * prom-client's `inc` and `observe` validate and hash the label set on every call, several times what
 * counting here costs. Series are bounded: the method comes from Node's parser (a fixed list), the route
 * from the route table, the status from the handlers.
 */
export class HttpSeries {
  private readonly series = new Map<string, Series>();

  record(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let series = this.series.get(key);
    if (series === undefined) {
      series = {
        labels: { method, route, status_code: String(status) },
        count: 0,
        sum: 0,
        perBucket: new Float64Array(HTTP_DURATION_BUCKETS.length + 1),
      };
      this.series.set(key, series);
    }
    series.count++;
    series.sum += seconds;
    // Like prom-client: a value equal to a bound counts in that bound's bucket.
    let bucket = 0;
    while (bucket < HTTP_DURATION_BUCKETS.length && seconds > HTTP_DURATION_BUCKETS[bucket]!) bucket++;
    series.perBucket[bucket]!++;
  }

  all(): Iterable<Readonly<Series>> {
    return this.series.values();
  }
}

const DURATION_NAME = 'http_request_duration_seconds';
const DURATION_HELP =
  'Time from receiving an HTTP request to sending its response, by method, route template and status.';

/** One line of prom-client's exposition: `sharedLabels` follow `labels` in the output. */
interface ExpositionValue {
  value: number;
  labels: Record<string, string | number>;
  sharedLabels: Record<string, string>;
  metricName: string;
}

/**
 * A prom-client Histogram whose series come from HttpSeries at scrape time. prom-client's registry formats
 * a metric from `getForPromString()` where it has one (its histograms do, and their `get()` derives from
 * it), so that is the one method replaced; the values have the shape prom-client's own histogram gives.
 */
class ScrapeTimeHistogram extends Histogram<HttpLabel> {
  constructor(private readonly source: HttpSeries) {
    super({
      name: DURATION_NAME,
      help: DURATION_HELP,
      labelNames: LABEL_NAMES,
      buckets: [...HTTP_DURATION_BUCKETS],
      registers: [],
    });
  }

  async getForPromString() {
    const bucketName = `${DURATION_NAME}_bucket`;
    const values: ExpositionValue[] = [];
    for (const s of this.source.all()) {
      let cumulative = 0;
      HTTP_DURATION_BUCKETS.forEach((le, i) => {
        cumulative += s.perBucket[i]!;
        values.push({ value: cumulative, labels: { le }, sharedLabels: s.labels, metricName: bucketName });
      });
      values.push(
        { value: s.count, labels: { le: '+Inf' }, sharedLabels: s.labels, metricName: bucketName },
        { value: s.sum, labels: {}, sharedLabels: s.labels, metricName: `${DURATION_NAME}_sum` },
        { value: s.count, labels: {}, sharedLabels: s.labels, metricName: `${DURATION_NAME}_count` },
      );
    }
    return { name: DURATION_NAME, help: DURATION_HELP, type: 'histogram', values, aggregator: 'sum' };
  }
}

/** Registers http_requests_total and http_request_duration_seconds, both read from `series`. */
export function registerHttpSeries(registry: Registry, series: HttpSeries): void {
  new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route template and status code.',
    labelNames: LABEL_NAMES,
    registers: [registry],
    collect() {
      this.reset();
      for (const s of series.all()) this.inc(s.labels, s.count);
    },
  });
  registry.registerMetric(new ScrapeTimeHistogram(series));
}
