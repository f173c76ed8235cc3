import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, startDaemonLogging, waitFor } from '../exec.js';
import { writePrivateFile } from '../private-files.js';
import { cniConfig } from './network.js';

/** Debian's CNI plugins (containernetworking-plugins). */
export const cniBinDir = '/usr/lib/cni';

/** The pod sandbox image: built here from our pause program, never pulled. */
export const pauseImage = 'k8s-ship.local/pause:3.10';

export interface ContainerdPaths {
  dir: string;
  config: string;
  socket: string;
  log: string;
}

export function containerdPaths(stateDir: string): ContainerdPaths {
  const dir = join(stateDir, 'containerd');
  return {
    dir,
    config: join(dir, 'config.toml'),
    socket: join(dir, 'containerd.sock'),
    log: join(dir, 'containerd.log'),
  };
}

/**
 * containerd's config: its own root, state and socket beside the sandbox's dockerd; the CRI plugin with
 * runc under cgroupfs, the CNI bridge, the local pause image, and per-registry hosts files (plain HTTP to
 * the sandbox registry on loopback). `restrict_oom_score_adj`: this kernel refuses a negative
 * oom_score_adj even for root, and without it every pod sandbox fails to start.
 */
function containerdConfig(paths: ContainerdPaths): string {
  const q = JSON.stringify; // TOML basic strings share JSON's escaping for paths
  return `version = 2
root = ${q(join(paths.dir, 'root'))}
state = ${q(join(paths.dir, 'state'))}

[grpc]
  address = ${q(paths.socket)}

[ttrpc]
  address = ${q(`${paths.socket}.ttrpc`)}

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = ${q(pauseImage)}
  restrict_oom_score_adj = true
  enable_selinux = false
  stream_server_address = "127.0.0.1"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = ${q(cniBinDir)}
    conf_dir = ${q(join(paths.dir, 'net.d'))}
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = ${q(join(paths.dir, 'certs.d'))}
`;
}

/** How containerd reaches the sandbox registry: plain HTTP on loopback (credentials come from the kubelet). */
function registryHosts(registryAddress: string): string {
  return `server = "http://${registryAddress}"

[host."http://${registryAddress}"]
  capabilities = ["pull", "resolve"]
`;
}

export async function startContainerd(paths: ContainerdPaths, registryAddress: string): Promise<number> {
  mkdirSync(join(paths.dir, 'net.d'), { recursive: true });
  writeFileSync(join(paths.dir, 'net.d', '10-k8s-ship-sandbox.conflist'), cniConfig(join(paths.dir, 'ipam')));
  const certs = join(paths.dir, 'certs.d');
  rmSync(certs, { recursive: true, force: true });
  mkdirSync(join(certs, registryAddress), { recursive: true });
  writeFileSync(join(certs, registryAddress, 'hosts.toml'), registryHosts(registryAddress));
  writePrivateFile(paths.config, containerdConfig(paths));
  rmSync(paths.socket, { force: true });
  const pid = startDaemonLogging('containerd', ['--config', paths.config], paths.log);
  await waitFor(
    `containerd to answer on ${paths.socket} (log: ${paths.log})`,
    async () => existsSync(paths.socket) && (await ctr(paths, ['version']).then(() => true)),
    30_000,
    pid,
  );
  return pid;
}

/** containerd's own client, in the CRI plugin's namespace. */
export function ctr(paths: ContainerdPaths, args: readonly string[]): Promise<{ stdout: string }> {
  return run('ctr', ['--address', paths.socket, '--namespace', 'k8s.io', ...args], { timeoutMs: 120_000 });
}
