import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unmountBelow } from './cluster/mounts.js';
import { isAlive, isOurProcess, run, startDaemonLogging, stopProcess, waitFor } from './exec.js';
import { sandboxSubdir } from './paths.js';

export interface DockerEngine {
  /** The value to export as DOCKER_HOST. */
  host: string;
  /** The dockerd pid when this sandbox started it; absent when an engine was already answering. */
  pid?: number;
}

export function dockerEnv(engine: DockerEngine): NodeJS.ProcessEnv {
  return { ...process.env, DOCKER_HOST: engine.host };
}

/** True when a Docker engine answers at `host` (a DOCKER_HOST value). */
export async function dockerEngineAnswers(host: string): Promise<boolean> {
  try {
    await run('docker', ['version', '--format', '{{.Server.Version}}'], {
      env: { ...process.env, DOCKER_HOST: host },
      timeoutMs: 5000,
    });
    return true;
  } catch {
    return false;
  }
}

/**
 * Reuses the engine at DOCKER_HOST when it answers, else the one this sandbox started before, else starts
 * dockerd as root with its own data and exec roots, vfs storage, and no bridge or iptables (containers use
 * the host network: the only network this machine allows).
 */
export async function ensureDockerEngine(): Promise<DockerEngine> {
  const external = process.env.DOCKER_HOST;
  if (external && (await dockerEngineAnswers(external))) return { host: external };

  const dir = sandboxSubdir('docker');
  const socket = join(dir, 'docker.sock');
  const pidFile = join(dir, 'dockerd.pid');
  const host = `unix://${socket}`;
  const recordedPid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : undefined;
  if (recordedPid && isAlive(recordedPid) && (await dockerEngineAnswers(host)))
    return { host, pid: recordedPid };

  for (const sub of ['data', 'exec']) mkdirSync(join(dir, sub), { recursive: true });
  rmSync(socket, { force: true });
  const log = join(dir, 'dockerd.log');
  const pid = startDaemonLogging(
    'dockerd',
    [
      '--data-root',
      join(dir, 'data'),
      '--exec-root',
      join(dir, 'exec'),
      '--pidfile',
      join(dir, 'dockerd.daemon.pid'),
      '-H',
      host,
      '--iptables=false',
      '--ip6tables=false',
      '--bridge=none',
      '--storage-driver=vfs',
    ],
    log,
  );
  writeFileSync(pidFile, String(pid));
  await waitFor(`dockerd at ${host} (log: ${log})`, () => dockerEngineAnswers(host), 60_000, pid);
  return { host, pid };
}

/** Stops dockerd only when this sandbox started it. */
export async function stopDockerEngine(engine: DockerEngine): Promise<void> {
  // The recorded pid must still be the dockerd serving this socket: pids are reused.
  if (!isOurProcess(engine.pid, engine.host)) return;
  await stopProcess(engine.pid, 20_000);
  // dockerd leaves its default network namespace bind-mounted in the exec root; mounted, the sandbox's
  // folder (and a clone holding it) cannot be removed.
  await unmountBelow(join(sandboxSubdir('docker'), 'exec'));
}
