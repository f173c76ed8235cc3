import { serviceProxyUrl } from '../../../sandbox/src/kubectl-proxy.js';

export interface ServiceAnswers {
  url: string;
  health: unknown;
  info: { environment?: string; version?: string } & Record<string, unknown>;
  system: unknown;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The metrics-api Service's `http` port through the sandbox's `kubectl proxy` (the API server's service
 * proxy sends each request to a ready endpoint), as a person reaches a ClusterIP Service from a laptop.
 */
export function metricsApiUrl(proxyUrl: string, namespace: string): string {
  return serviceProxyUrl(Number(new URL(proxyUrl).port), namespace, 'metrics-api', 'http');
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!response.ok)
    throw new Error(`GET ${url} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  return response.json();
}

/** Retries `fn` until it succeeds or `timeoutMs` is over: endpoints follow the pods' readiness. */
async function eventually<T>(timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(500);
    }
  }
}

/** Asks the service, through the API server's service proxy, for /health, /info and /metrics/system. */
export async function askService(proxyUrl: string, namespace: string): Promise<ServiceAnswers> {
  const url = metricsApiUrl(proxyUrl, namespace);
  const health = await eventually(20_000, () => getJson(`${url}/health`));
  const info = (await getJson(`${url}/info`)) as ServiceAnswers['info'];
  const system = await getJson(`${url}/metrics/system`);
  return { url, health, info, system };
}
