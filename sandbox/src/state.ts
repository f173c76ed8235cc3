import { existsSync, readFileSync } from 'node:fs';
import type { ClusterRecord } from './cluster/cluster.js';
import type { KubectlProxyRecord } from './kubectl-proxy.js';
import { sandboxPath } from './paths.js';
import { writePrivateFile } from './private-files.js';

export const components = ['docker', 'registry', 'kube', 'prometheus', 'ssh'] as const;
export type Component = (typeof components)[number];

/**
 * Who asked for a component: `user` (the CLI or a local pipeline) keeps it until `down`; `tests` lets the
 * test run's global teardown stop it when the last run using the sandbox ends.
 */
export type Starter = 'user' | 'tests';

export interface DockerRecord {
  host: string;
  /** The dockerd pid when the sandbox started it; absent when an engine was already answering. */
  pid?: number;
  startedBy: Starter;
}

export interface RegistryRecord {
  pid: number;
  port: number;
  configFile: string;
  credentialsFile: string;
  username: string;
  startedBy: Starter;
}

/** The cluster the sandbox built and started (external: false) or one the user brought. */
export type KubeRecord = OwnClusterRecord | ExternalKubeRecord;

export interface OwnClusterRecord extends ClusterRecord {
  external: false;
  /** The deploy user's kubeconfig (its service-account token), read by the SSH host's sessions. */
  deployKubeconfig: string;
  proxy: KubectlProxyRecord;
}

export interface ExternalKubeRecord {
  external: true;
  url: string;
  /** The user's own kubeconfig, as given to `up --kubeconfig` (or KUBECONFIG). */
  kubeconfig: string;
  version: string;
  deployKubeconfig: string;
  proxy: KubectlProxyRecord;
  startedBy: Starter;
}

export interface PrometheusRecord {
  pid: number;
  port: number;
  configFile: string;
  /** The API server its service discovery watches: a cluster restarted elsewhere needs a new config. */
  apiServer: string;
  startedBy: Starter;
}

export interface SshRecord {
  sshdPid: number;
  sshdPort: number;
  sshdConfig: string;
  gatePid: number;
  gatePort: number;
  gateControlSocket: string;
  user: string;
  privateKeyFile: string;
  authorizedKeysFile: string;
  knownHostsFile: string;
  knownHostsLine: string;
  hostKeyFingerprint: string;
  kubeconfig: string;
  /** The one port on 127.0.0.1 that sshd lets the deploy user forward to: Prometheus's. */
  prometheusPort: number;
  startedBy: Starter;
}

export interface SandboxState {
  docker?: DockerRecord;
  registry?: RegistryRecord;
  kube?: KubeRecord;
  prometheus?: PrometheusRecord;
  ssh?: SshRecord;
}

function stateFile(): string {
  return sandboxPath('state.json');
}

export function readState(): SandboxState {
  const file = stateFile();
  if (!existsSync(file)) return {};
  return JSON.parse(readFileSync(file, 'utf8')) as SandboxState;
}

export function writeState(state: SandboxState): void {
  writePrivateFile(stateFile(), `${JSON.stringify(state, null, 2)}\n`);
}
