import { run } from '../../../sandbox/src/exec.js';

// The annotation the sandbox's service proxy puts on each Service: {"<service port>": <loopback port>}.
const PROXY_PORTS = 'sandbox.k8s-ship/proxy-ports';

export interface ServiceAnswers {
  url: string;
  health: unknown;
  info: { environment?: string; version?: string } & Record<string, unknown>;
  system: unknown;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The service proxy's URL for port 80 of the Service, read with kubectl as a person would. */
export async function proxyUrl(kubeconfig: string, namespace: string, service: string): Promise<string> {
  const { stdout } = await run(
    'kubectl',
    ['get', 'service', service, '--namespace', namespace, '--output', 'json'],
    { env: { ...process.env, KUBECONFIG: kubeconfig }, timeoutMs: 30_000 },
  );
  const annotations = (JSON.parse(stdout) as { metadata?: { annotations?: Record<string, string> } }).metadata
    ?.annotations;
  const port = JSON.parse(annotations?.[PROXY_PORTS] ?? '{}')['80'];
  if (!Number.isInteger(port)) {
    throw new Error(`the Service ${namespace}/${service} has no proxy port for port 80 yet (${PROXY_PORTS})`);
  }
  return `http://127.0.0.1:${port}`;
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return response.json();
}

/** Retries `fn` until it succeeds or `timeoutMs` is over: the proxy listens a moment after the Service. */
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

/** Asks the service, through the service proxy, for /health, /info and /metrics/system. */
export async function askService(kubeconfig: string, namespace: string): Promise<ServiceAnswers> {
  const url = await eventually(20_000, () => proxyUrl(kubeconfig, namespace, 'metrics-api'));
  const health = await eventually(20_000, () => getJson(`${url}/health`));
  const info = (await getJson(`${url}/info`)) as ServiceAnswers['info'];
  const system = await getJson(`${url}/metrics/system`);
  return { url, health, info, system };
}
