import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isAlive } from '../exec.js';

/**
 * One sandbox cluster per machine: its bridge, node address and iptables chains are the machine's. The
 * claim names the state folder of the cluster that holds them and the pid of its API server.
 */
const claimFile = '/run/k8s-ship-sandbox/cluster.json';

interface Claim {
  dir: string;
  pid: number;
}

function readClaim(): Claim | undefined {
  if (!existsSync(claimFile)) return undefined;
  try {
    return JSON.parse(readFileSync(claimFile, 'utf8')) as Claim;
  } catch {
    return undefined;
  }
}

/** Fails, saying how to stop it, when another state folder's cluster runs on this machine. */
export function checkMachineIsFree(dir: string): void {
  const claim = readClaim();
  if (claim && claim.dir !== dir && isAlive(claim.pid)) {
    const stateDir = dirname(claim.dir);
    throw new Error(
      `another sandbox's Kubernetes runs on this machine (state directory ${stateDir}); only one can: ` +
        `stop it with SANDBOX_DIR=${stateDir} npm run sandbox -- down`,
    );
  }
}

export function claimMachine(dir: string, apiServerPid: number): void {
  mkdirSync(dirname(claimFile), { recursive: true });
  writeFileSync(claimFile, JSON.stringify({ dir, pid: apiServerPid }));
}

export function releaseMachine(dir: string): void {
  if (readClaim()?.dir === dir) rmSync(claimFile, { force: true });
}
