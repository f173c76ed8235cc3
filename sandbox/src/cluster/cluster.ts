import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isOurProcess, run, startDaemonLogging, stopProcess, waitFor } from '../exec.js';
import { freeLoopbackPort } from '../ports.js';
import { lookUpUser } from '../ssh-user.js';
import type { Starter } from '../state.js';
import { adminKubectl, installDeployUser, metricsServerArgs, metricsServerManifest } from './addons.js';
import { type ClusterBinaries, ensureClusterBinaries } from './binaries.js';
import { containerdPaths, startContainerd } from './containerd.js';
import {
  apiServerArgs,
  type ControlPlanePorts,
  controllerManagerArgs,
  etcdArgs,
  schedulerArgs,
} from './control-plane.js';
import { httpsGet } from './https-probe.js';
import { prepareKubelet } from './kubelet.js';
import { checkMachineIsFree, claimMachine, releaseMachine } from './machine-claim.js';
import { unmountBelow } from './mounts.js';
import { bridgeDown, bridgeUp, removeKubeletChains } from './network.js';
import { importPauseImage } from './pause-image.js';
import { ClusterPki, ensurePki } from './pki.js';

/** The processes of the sandbox's cluster, in the order they start (and stop in reverse). */
export const clusterProcesses = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'containerd',
  'kubelet',
  'metrics-server',
] as const;
export type ClusterProcess = (typeof clusterProcesses)[number];

export const nodeName = 'k8s-ship-sandbox';

export interface ClusterRecord {
  /** The state folder of the cluster (certificates, etcd data, containerd, kubelet). */
  dir: string;
  url: string;
  /** The admin's kubeconfig (system:masters), for the tests and the operator on this machine. */
  kubeconfig: string;
  version: string;
  binaries: ClusterBinaries;
  pids: Partial<Record<ClusterProcess, number>>;
  ports: ControlPlanePorts & { kubelet: number; kubeletHealthz: number; metricsServer: number };
  startedBy: Starter;
}

export interface ClusterInputs {
  dir: string;
  registryAddress: string;
  registryCredentialsFile: string;
  /** Where the SSH host's sessions read their kubeconfig: the deploy user's, with its own token. */
  deployKubeconfig: string;
  deployUser: string;
  log: (line: string) => void;
}

/**
 * A recorded pid is ours while it still runs our binary as that component (containerd: with our config);
 * pids are reused, so the pid alone never justifies a signal.
 */
function isOurs(record: ClusterRecord, process: ClusterProcess): boolean {
  const pid = record.pids[process];
  if (process === 'containerd') return isOurProcess(pid, containerdPaths(record.dir).config);
  if (process === 'metrics-server') return isOurProcess(pid, record.binaries.metricsServer);
  return isOurProcess(pid, `${record.binaries.main} ${process}`);
}

/**
 * The ports of the cluster's last start, kept in its folder past `down`: started again, it listens where it
 * did, so the kubeconfigs written for it keep working (as a node's do across a reboot).
 */
function lastPorts(dir: string): Partial<ClusterRecord['ports']> {
  try {
    return JSON.parse(readFileSync(join(dir, 'ports.json'), 'utf8')) as Partial<ClusterRecord['ports']>;
  } catch {
    return {};
  }
}

async function choosePorts(dir: string): Promise<ClusterRecord['ports']> {
  const previous = lastPorts(dir);
  const ports = {} as ClusterRecord['ports'];
  for (const name of [
    'etcdClient',
    'etcdPeer',
    'apiServer',
    'controllerManager',
    'scheduler',
    'kubelet',
    'kubeletHealthz',
    'metricsServer',
  ] as const) {
    let port = await freeLoopbackPort(previous[name]);
    while (Object.values(ports).includes(port)) port = await freeLoopbackPort();
    ports[name] = port;
  }
  writeFileSync(join(dir, 'ports.json'), JSON.stringify(ports));
  return ports;
}

/**
 * Starts the whole cluster: etcd, the control plane, containerd, a kubelet registered as a node, and
 * metrics-server; applies the deploy user's RBAC and writes its kubeconfig. Waits for each part to be
 * ready before the next, saying what it waits for.
 */
export async function startCluster(inputs: ClusterInputs, startedBy: Starter): Promise<ClusterRecord> {
  const { dir, log } = inputs;
  checkMachineIsFree(dir);
  const binaries = await ensureClusterBinaries(log);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  await bridgeUp();
  const pki = await ensurePki(binaries, join(dir, 'pki'), nodeName);
  const ports = await choosePorts(dir);
  const url = `https://127.0.0.1:${ports.apiServer}`;
  const kubeconfig = join(dir, 'admin.kubeconfig');
  const record: ClusterRecord = {
    dir,
    url,
    kubeconfig,
    version: binaries.version,
    binaries,
    pids: {},
    ports,
    startedBy,
  };
  const logs = join(dir, 'logs');
  mkdirSync(logs, { recursive: true });
  const start = (process: ClusterProcess, args: string[]) => {
    const [file, argv] =
      process === 'metrics-server' ? [binaries.metricsServer, args] : [binaries.main, [process, ...args]];
    const pid = startDaemonLogging(file, argv, join(logs, `${process}.log`));
    record.pids[process] = pid;
    return pid;
  };
  const tls = { ca: readFileSync(pki.crt('ca')) };
  try {
    log('  starting etcd');
    const etcd = start('etcd', etcdArgs(join(dir, 'etcd'), ports));
    await waitFor(
      `etcd on 127.0.0.1:${ports.etcdClient} (log: ${join(logs, 'etcd.log')})`,
      async () => {
        const response = await fetch(`http://127.0.0.1:${ports.etcdClient}/health`);
        return response.ok;
      },
      60_000,
      etcd,
    );

    log('  starting kube-apiserver');
    const apiServer = start('kube-apiserver', apiServerArgs(pki, ports));
    claimMachine(dir, apiServer);
    await waitFor(
      `kube-apiserver to be ready at ${url} (log: ${join(logs, 'kube-apiserver.log')})`,
      async () => {
        return (await httpsGet(`${url}/readyz`, tls)).status === 200;
      },
      120_000,
      apiServer,
    );

    pki.writeKubeconfig(kubeconfig, url, 'admin');
    const controllerManagerKubeconfig = join(dir, 'controller-manager.kubeconfig');
    const schedulerKubeconfig = join(dir, 'scheduler.kubeconfig');
    const metricsServerKubeconfig = join(dir, 'metrics-server.kubeconfig');
    pki.writeKubeconfig(controllerManagerKubeconfig, url, 'controller-manager');
    pki.writeKubeconfig(schedulerKubeconfig, url, 'scheduler');
    pki.writeKubeconfig(metricsServerKubeconfig, url, 'metrics-server');

    log('  starting kube-controller-manager and kube-scheduler');
    const controllerManager = start(
      'kube-controller-manager',
      controllerManagerArgs(pki, controllerManagerKubeconfig, ports),
    );
    const scheduler = start('kube-scheduler', schedulerArgs(schedulerKubeconfig, ports));

    log('  starting containerd');
    const containerd = containerdPaths(dir);
    record.pids.containerd = await startContainerd(containerd, inputs.registryAddress);
    await importPauseImage(containerd, binaries.pause);

    log('  starting the kubelet');
    const kubelet = start(
      'kubelet',
      prepareKubelet(
        {
          binaries,
          pki,
          containerd,
          dir: join(dir, 'kubelet'),
          nodeName,
          port: ports.kubelet,
          healthzPort: ports.kubeletHealthz,
          registryAddress: inputs.registryAddress,
          registryCredentialsFile: inputs.registryCredentialsFile,
        },
        url,
      ),
    );
    for (const [name, pid, port] of [
      ['kube-controller-manager', controllerManager, ports.controllerManager],
      ['kube-scheduler', scheduler, ports.scheduler],
    ] as const) {
      await waitFor(
        `${name} to be healthy (log: ${join(logs, `${name}.log`)})`,
        async () => {
          return (await httpsGet(`https://127.0.0.1:${port}/healthz`)).status === 200;
        },
        60_000,
        pid,
      );
    }

    const kubectl = adminKubectl(binaries, kubeconfig);
    log(`  waiting for the node ${nodeName} to be Ready`);
    await waitFor(
      `the node ${nodeName} to be Ready (log: ${join(logs, 'kubelet.log')})`,
      async () => {
        const { stdout } = await kubectl([
          'get',
          'node',
          nodeName,
          '--output=jsonpath={.status.conditions[?(@.type=="Ready")].status}',
        ]);
        return stdout.trim() === 'True';
      },
      120_000,
      kubelet,
    );

    log("  applying the deploy user's RBAC (ansible/roles/deploy_user)");
    await installDeployUser(kubectl, pki, url, inputs.deployKubeconfig, await lookUpUser(inputs.deployUser));

    log('  starting metrics-server');
    await kubectl(
      ['apply', '--server-side', '--field-manager=k8s-ship-sandbox', '--filename=-'],
      metricsServerManifest(pki, ports.metricsServer),
    );
    start('metrics-server', metricsServerArgs(pki, metricsServerKubeconfig, ports.metricsServer));
    return record;
  } catch (error) {
    await stopCluster(record);
    throw error;
  }
}

/** Every process of ours answers, and the API server is ready. */
export async function clusterIsHealthy(record: ClusterRecord): Promise<boolean> {
  if (!clusterProcesses.every((process) => isOurs(record, process))) return false;
  try {
    const tls = { ca: readFileSync(new ClusterPki(join(record.dir, 'pki')).crt('ca')) };
    return (await httpsGet(`${record.url}/readyz`, tls)).status === 200;
  } catch {
    return false;
  }
}

/**
 * Stops the cluster and leaves nothing of it running or mounted: the kubelet first, then every pod through
 * the CRI (which tears down their networks), containerd, the control plane, the leftover mounts under the
 * state folder, and the bridge.
 */
export async function stopCluster(record: ClusterRecord): Promise<void> {
  const stopIfOurs = async (process: ClusterProcess, graceMs = 30_000) => {
    if (isOurs(record, process)) await stopProcess(record.pids[process]!, graceMs);
    delete record.pids[process];
  };
  await stopIfOurs('metrics-server');
  await stopIfOurs('kubelet');
  const containerd = containerdPaths(record.dir);
  if (isOurs(record, 'containerd') && existsSync(containerd.socket)) {
    await run(record.binaries.main, ['remove-pods', `--runtime-endpoint=unix://${containerd.socket}`], {
      timeoutMs: 180_000,
    });
  }
  await stopIfOurs('containerd');
  for (const process of ['kube-scheduler', 'kube-controller-manager', 'kube-apiserver', 'etcd'] as const) {
    await stopIfOurs(process);
  }
  await unmountBelow(record.dir);
  await bridgeDown();
  await removeKubeletChains();
  releaseMachine(record.dir);
  rmSync(join(record.dir, 'containerd', 'containerd.sock'), { force: true });
}
