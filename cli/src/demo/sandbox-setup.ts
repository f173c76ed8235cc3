import { mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import {
  components,
  requireComponents,
  type SandboxEndpoints,
  type Starter,
  sandboxStatus,
  sandboxUp,
} from '../../../sandbox/src/sandbox.js';
import { ensureTrivy, ensureTrivyDb, trivyCacheDir } from '../../../sandbox/src/trivy.js';

export type DemoEndpoints = SandboxEndpoints &
  Required<Pick<SandboxEndpoints, 'docker' | 'registry' | 'kube' | 'ssh'>>;

export interface SandboxReady {
  endpoints: DemoEndpoints;
  registryPassword: string;
  /** What was already running and reused, and what this run started. */
  reused: string[];
  started: string[];
}

/** Brings the whole sandbox up, reusing what runs (the same state directory as `npm run sandbox`). */
export async function bringUpSandbox(startedBy: Starter): Promise<SandboxReady> {
  const before = await sandboxStatus();
  const endpoints = requireComponents(await sandboxUp(components, { startedBy }), [
    'docker',
    'registry',
    'kube',
    'ssh',
  ]);
  const reused = components.filter((component) => before.components[component] === 'up');
  const started = components.filter((component) => before.components[component] !== 'up');
  const file = endpoints.registry.credentialsFile;
  const { password } = JSON.parse(readFileSync(file, 'utf8')) as { password?: unknown };
  if (typeof password !== 'string' || password === '') {
    throw new Error(`the sandbox registry's credentials file ${file} has no password`);
  }
  return { endpoints, registryPassword: password, reused, started };
}

/**
 * A folder whose `trivy` is the Trivy built from sandbox/trivy (built the first time), to put first on
 * the actions' PATH, and `cacheDir` holding the DB made from sandbox/trivy/advisories.json. That DB's
 * metadata says it is fresh, so trivy-scan downloads nothing and Trivy scans offline.
 */
export async function localTrivyBin(dir: string, cacheDir: string): Promise<string> {
  const tools = await ensureTrivy();
  trivyCacheDir(await ensureTrivyDb(), cacheDir);
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  rmSync(join(bin, 'trivy'), { force: true });
  symlinkSync(tools.trivy, join(bin, 'trivy'));
  return bin;
}
