import { metricsApiUrl } from '../../cli/src/demo/service-check.js';

export interface Answer {
  status: number;
  body: string;
}

/** The metrics-api Service's URL through the sandbox's `kubectl proxy` (the API server's service proxy). */
export function serviceUrl(proxyUrl: string, namespace: string): string {
  return metricsApiUrl(proxyUrl, namespace);
}

/** One GET through the service proxy, as a client of the Service would send it. */
export async function get(url: string): Promise<Answer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: response.status, body: await response.text() };
}
