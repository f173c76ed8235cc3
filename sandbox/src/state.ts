import { existsSync, readFileSync } from 'node:fs';
import { sandboxPath } from './paths.js';
import { writePrivateFile } from './private-files.js';

export const components = ['docker', 'registry', 'kube', 'ssh'] as const;
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

export interface KubeRecord {
  pid: number;
  port: number;
  url: string;
  kubeconfig: string;
  /** Whatever else the stand-in announced in its ready.json (service proxy ports, for example). */
  announced: Record<string, unknown>;
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
  startedBy: Starter;
}

export interface SandboxState {
  docker?: DockerRecord;
  registry?: RegistryRecord;
  kube?: KubeRecord;
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
