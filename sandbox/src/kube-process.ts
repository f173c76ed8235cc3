import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isOurProcess, startDaemonLogging, stopProcess, waitFor } from './exec.js';
import { removeKubeconfig, writeKubeconfig } from './kubeconfig.js';
import { repoRoot, sandboxDir, sandboxPath } from './paths.js';
import { freeLoopbackPort, portAnswers } from './ports.js';
import { kubeconfigPath } from './ssh-host.js';
import { deployUser } from './ssh-user.js';
import type { KubeRecord, Starter } from './state.js';

/**
 * The Kubernetes API stand-in is its own program (sandbox/src/kube/main.ts). The contract: it is started
 * with `--port --state-dir --docker-host`, writes `<state-dir>/kube/ready.json` = `{"url", "pid", …}` once
 * it serves, and on SIGTERM stops every container it started before it exits.
 */
export const kubeMain = join(repoRoot, 'sandbox', 'src', 'kube', 'main.ts');

export function kubeIsAvailable(): boolean {
  return existsSync(kubeMain);
}

interface ReadyAnnouncement {
  url: string;
  pid: number;
  [key: string]: unknown;
}

function readAnnouncement(file: string): ReadyAnnouncement | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as ReadyAnnouncement;
    return typeof parsed.url === 'string' && typeof parsed.pid === 'number' ? parsed : undefined;
  } catch {
    return undefined; // still being written
  }
}

export async function kubeIsHealthy(record: KubeRecord): Promise<boolean> {
  return isOurProcess(record.pid, kubeMain) && (await portAnswers(record.port));
}

export async function startKube(
  previous: KubeRecord | undefined,
  dockerHost: string,
  startedBy: Starter,
): Promise<KubeRecord> {
  if (!kubeIsAvailable()) throw new Error(`the Kubernetes API stand-in ${kubeMain} does not exist yet`);
  const port = await freeLoopbackPort(previous?.port);
  const readyFile = sandboxPath('kube', 'ready.json');
  rmSync(readyFile, { force: true });
  const log = sandboxPath('kube', 'process.log');
  const pid = startDaemonLogging(
    process.execPath,
    [
      '--import',
      'tsx',
      kubeMain,
      '--port',
      String(port),
      '--state-dir',
      sandboxDir(),
      '--docker-host',
      dockerHost,
    ],
    log,
    { cwd: repoRoot, env: { ...process.env, DOCKER_HOST: dockerHost } },
  );
  let announced: ReadyAnnouncement | undefined;
  await waitFor(
    `the Kubernetes API stand-in to write ${readyFile} (log: ${log})`,
    async () => {
      announced = readAnnouncement(readyFile);
      return announced !== undefined;
    },
    60_000,
    pid,
  );
  const { url, pid: _announcedPid, ...rest } = announced!;
  const kubeconfig = kubeconfigPath();
  await writeKubeconfig(kubeconfig, url, deployUser);
  return { pid, port, url, kubeconfig, announced: rest, startedBy };
}

/** SIGTERM lets the stand-in remove its pod containers; it gets time for that before a SIGKILL. */
export async function stopKube(record: KubeRecord): Promise<void> {
  if (isOurProcess(record.pid, kubeMain)) await stopProcess(record.pid, 60_000);
  removeKubeconfig(record.kubeconfig);
  rmSync(sandboxPath('kube', 'ready.json'), { force: true });
}
