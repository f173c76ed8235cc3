import { ensureNodeBaseImage } from '../../../sandbox/src/base-image.js';
import type { DockerEngine } from '../../../sandbox/src/docker-engine.js';
import { readRegistryCredentials } from '../../../sandbox/src/registry.js';
import { useDockerEngine, useSandbox } from '../../../sandbox/src/testing.js';
import type { BasicRegistry } from './registry-api.js';

export interface BuildPushSandbox {
  engine: DockerEngine;
  /** The sandbox's registry (Basic auth), with its host:port for image references. */
  registry: BasicRegistry & { address: string };
  /** A local runtime base image, for the fixture Dockerfile's BASE build argument. */
  base: string;
}

/** The parts every build-push integration test builds and pushes with. */
export async function buildPushSandbox(): Promise<BuildPushSandbox> {
  const sandbox = await useSandbox(['docker', 'registry']);
  const engine = await useDockerEngine();
  const credentials = readRegistryCredentials({
    credentialsFile: sandbox.registry.credentialsFile,
  } as Parameters<typeof readRegistryCredentials>[0]);
  const registry = { ...credentials, url: sandbox.registry.url, address: sandbox.registry.address };
  const base = await ensureNodeBaseImage(engine, 'runtime');
  return { engine, registry, base };
}
