import { proxyUrl } from '../../cli/src/demo/service-check.js';

export interface Answer {
  status: number;
  body: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The Service's URL on the sandbox's service proxy (its loopback port for port 80, read with kubectl),
 * retried for a while: the proxy starts listening a moment after the Service exists.
 */
export async function serviceUrl(kubeconfig: string, namespace: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await proxyUrl(kubeconfig, namespace, 'metrics-api');
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(500);
    }
  }
}

/** One GET through the service proxy, as a client of the Service would send it. */
export async function get(url: string): Promise<Answer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: response.status, body: await response.text() };
}
