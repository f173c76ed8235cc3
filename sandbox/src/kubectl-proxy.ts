import { join } from 'node:path';
import { isOurProcess, startDaemonLogging, stopProcess, waitFor } from './exec.js';
import { freeLoopbackPort, loopback, portAnswers } from './ports.js';

export interface KubectlProxyRecord {
  pid: number;
  port: number;
  kubeconfig: string;
}

/**
 * `kubectl proxy` on loopback, as the cluster's admin (`kubectl` is the command and any leading arguments): how the host reaches a ClusterIP Service without
 * kube-proxy, through the API server's own service proxy
 * (`/api/v1/namespaces/NS/services/NAME:PORT/proxy/…`), which sends each request to a ready endpoint.
 */
export async function startKubectlProxy(
  kubectl: readonly string[],
  kubeconfig: string,
  logDir: string,
  previousPort?: number,
): Promise<KubectlProxyRecord> {
  const port = await freeLoopbackPort(previousPort);
  const log = join(logDir, 'kubectl-proxy.log');
  const [file = 'kubectl', ...leading] = kubectl;
  const args = [...leading, 'proxy', `--kubeconfig=${kubeconfig}`, `--address=${loopback}`, `--port=${port}`];
  const pid = startDaemonLogging(file, args, log);
  await waitFor(`kubectl proxy on ${loopback}:${port} (log: ${log})`, () => portAnswers(port), 30_000, pid);
  return { pid, port, kubeconfig };
}

export function kubectlProxyIsHealthy(record: KubectlProxyRecord): Promise<boolean> {
  if (!isOurProcess(record.pid, `--port=${record.port}`)) return Promise.resolve(false);
  return portAnswers(record.port);
}

export async function stopKubectlProxy(record: KubectlProxyRecord): Promise<void> {
  if (isOurProcess(record.pid, `--port=${record.port}`)) await stopProcess(record.pid);
}

/** The URL of a Service's port through the proxy: `…/services/NAME:PORT/proxy`, then the request path. */
export function serviceProxyUrl(
  proxyPort: number,
  namespace: string,
  service: string,
  port: string | number,
): string {
  // Service and port names are DNS labels: only the namespace needs escaping, and `:` reads better plain.
  const name = `${encodeURIComponent(service)}:${encodeURIComponent(String(port))}`;
  return `http://${loopback}:${proxyPort}/api/v1/namespaces/${encodeURIComponent(namespace)}/services/${name}/proxy`;
}
