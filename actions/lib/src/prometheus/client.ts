/** A failed query; `transient` when asking again may help (Prometheus or the link was down). */
export class PrometheusError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'PrometheusError';
  }
}

/** The one call analysis makes: an instant query whose answer is one number, or none. */
export interface PrometheusQuery {
  /** The single value of an aggregated query; undefined when it has no sample or the value is NaN. */
  scalar(promql: string, signal?: AbortSignal): Promise<number | undefined>;
}

interface QueryAnswer {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: unknown };
}

function singleValue(answer: QueryAnswer, promql: string): number | undefined {
  const { resultType, result } = answer.data ?? {};
  let raw: string | undefined;
  if (resultType === 'scalar') raw = (result as [number, string])[1];
  else if (resultType === 'vector') {
    const samples = result as { value: [number, string] }[];
    if (samples.length > 1) {
      throw new PrometheusError(
        `${promql} gave ${samples.length} series; the analysis needs one (aggregate it)`,
        false,
      );
    }
    raw = samples[0]?.value[1];
  } else
    throw new PrometheusError(`${promql} gave a ${resultType}; the analysis needs an instant vector`, false);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  return Number.isNaN(value) ? undefined : value;
}

/** Prometheus's HTTP API (`/api/v1/query`) at a base URL: a forwarded port or the user's own address. */
export class PrometheusClient implements PrometheusQuery {
  private readonly base: string;

  constructor(
    baseUrl: string,
    private readonly fetchImpl: typeof fetch = fetch,
    private readonly timeoutMs = 10_000,
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  async scalar(promql: string, signal?: AbortSignal): Promise<number | undefined> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.base}/api/v1/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ query: promql }).toString(),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      throw new PrometheusError(
        `Prometheus at ${this.base} did not answer: ${(error as Error).message}`,
        true,
      );
    }
    let answer: QueryAnswer;
    try {
      answer = (await response.json()) as QueryAnswer;
    } catch {
      throw new PrometheusError(
        `Prometheus at ${this.base} answered HTTP ${response.status} without its JSON API (is it Prometheus?)`,
        response.status >= 500,
      );
    }
    if (answer.status !== 'success') {
      throw new PrometheusError(
        `Prometheus refused ${promql}: ${answer.error ?? `HTTP ${response.status}`}`,
        response.status >= 500 || response.status === 503,
      );
    }
    return singleValue(answer, promql);
  }
}
