import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { adminKubectl } from './cluster/addons.js';
import { isOurProcess, run, startDaemonLogging, stopProcess, waitFor } from './exec.js';
import { repoRoot, sandboxPath, sandboxSubdir } from './paths.js';
import { freeLoopbackPort, loopback } from './ports.js';
import { writePrivateFile } from './private-files.js';
import { type AdminKubectl, applyPrometheusRbac } from './prometheus-access.js';
import { ensurePrometheusBinary } from './prometheus-binary.js';
import { sandboxPrometheusConfig } from './prometheus-config.js';
import type { KubeRecord, PrometheusRecord, Starter } from './state.js';

/** The source of the jobs, relabel rules and rule files: what a plain Prometheus runs on a cluster. */
export const prometheusSource = join(repoRoot, 'k8s', 'monitoring', 'prometheus', 'prometheus.yml');

// Kept past `down`: the SSH host permits forwards to this one port, so it must not wander.
function portFile(): string {
  return sandboxPath('prometheus', 'port');
}

/**
 * Prometheus's port: the one it last had (or now has), else a free one, recorded. The SSH host asks for it
 * too, so that sshd can permit forwards to Prometheus without starting the cluster that Prometheus needs.
 */
export async function reservePrometheusPort(preferred?: number): Promise<number> {
  const file = portFile();
  const last = existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : undefined;
  const port = await freeLoopbackPort(preferred ?? last);
  writeFileSync(file, `${port}\n`);
  return port;
}

function kubectlAsAdmin(kube: KubeRecord): AdminKubectl {
  if (!kube.external) return adminKubectl(kube.binaries, kube.kubeconfig);
  return (args, input) =>
    run('kubectl', [`--kubeconfig=${kube.kubeconfig}`, ...args], { input, timeoutMs: 120_000 });
}

interface MinifiedKubeconfig {
  clusters?: { cluster?: { server?: string; 'certificate-authority-data'?: string } }[];
}

/** The API server's URL and CA as the admin's kubeconfig names them (the sandbox's cluster or the user's). */
async function apiServerOf(
  kubectl: AdminKubectl,
  kubeconfig: string,
): Promise<{ url: string; caPem: Buffer }> {
  const view = JSON.parse(
    (await kubectl(['config', 'view', '--minify', '--raw', '--flatten', '--output=json'])).stdout,
  ) as MinifiedKubeconfig;
  const cluster = view.clusters?.[0]?.cluster;
  if (!cluster?.server || !cluster['certificate-authority-data']) {
    throw new Error(`${kubeconfig}: expected its current context to have a server and a CA`);
  }
  return { url: cluster.server, caPem: Buffer.from(cluster['certificate-authority-data'], 'base64') };
}

async function isReady(port: number): Promise<boolean> {
  return (await fetch(`http://${loopback}:${port}/-/ready`)).ok;
}

export async function prometheusIsHealthy(record: PrometheusRecord): Promise<boolean> {
  if (!isOurProcess(record.pid, record.configFile)) return false;
  return isReady(record.port).catch(() => false);
}

/**
 * Starts Prometheus (sandbox/prometheus) on 127.0.0.1 with the config of k8s/monitoring, discovering the metrics API's
 * pods through the cluster's API server as a read-only ServiceAccount `monitoring/prometheus`, and
 * scraping them on their pod IPs (reachable from this machine through the cluster's bridge).
 */
export async function startPrometheus(
  previous: PrometheusRecord | undefined,
  kube: KubeRecord,
  startedBy: Starter,
  log: (line: string) => void = console.error,
): Promise<PrometheusRecord> {
  const program = await ensurePrometheusBinary(log);
  const dir = sandboxSubdir('prometheus');
  const kubectl = kubectlAsAdmin(kube);
  const apiServer = await apiServerOf(kubectl, kube.kubeconfig);
  const caFile = join(dir, 'api-server-ca.crt');
  writeFileSync(caFile, apiServer.caPem);
  const tokenFile = join(dir, 'token');
  writePrivateFile(tokenFile, await applyPrometheusRbac(kubectl));

  const configFile = join(dir, 'prometheus.yml');
  writePrivateFile(
    configFile,
    sandboxPrometheusConfig(readFileSync(prometheusSource, 'utf8'), {
      sourceDir: dirname(prometheusSource),
      apiServer: apiServer.url,
      caFile,
      tokenFile,
      scrapeInterval: '2s',
    }),
  );

  const port = await reservePrometheusPort(previous?.port);
  const data = join(dir, 'data');
  mkdirSync(data, { recursive: true });
  const logFile = join(dir, 'prometheus.log');
  // A config it refuses ends it at once, and waitFor then points at its log.
  const pid = startDaemonLogging(
    program,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${data}`,
      '--storage.tsdb.retention.time=1d', // the sandbox analyses minutes, not history
      `--web.listen-address=${loopback}:${port}`,
    ],
    logFile,
  );
  await waitFor(
    `Prometheus on ${loopback}:${port} to answer ready on /-/ready (log: ${logFile})`,
    () => isReady(port),
    60_000,
    pid,
  );
  return { pid, port, configFile, apiServer: apiServer.url, startedBy };
}

export async function stopPrometheus(record: PrometheusRecord): Promise<void> {
  if (isOurProcess(record.pid, record.configFile)) await stopProcess(record.pid);
}
