import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DockerEngine, dockerEnv } from '../src/docker-engine.js';
import { run } from '../src/exec.js';
import type { SandboxEndpoints } from '../src/sandbox.js';

/** docker logged in to the sandbox's registry, with a config folder of its own (never ~/.docker). */
export interface RegistryLogin {
  /** DOCKER_HOST and DOCKER_CONFIG for `docker push`. */
  env: NodeJS.ProcessEnv;
  /** Removes the config folder, and with it the login. */
  remove(): void;
}

export async function loginToSandboxRegistry(
  registry: NonNullable<SandboxEndpoints['registry']>,
  engine: DockerEngine,
): Promise<RegistryLogin> {
  const config = mkdtempSync(join(tmpdir(), 'k8s-ship-test-docker-'));
  const env = { ...dockerEnv(engine), DOCKER_CONFIG: config };
  const { username, password } = JSON.parse(readFileSync(registry.credentialsFile, 'utf8')) as {
    username: string;
    password: string;
  };
  await run('docker', ['login', '--username', username, '--password-stdin', registry.address], {
    env,
    input: password,
  });
  return { env, remove: () => rmSync(config, { recursive: true, force: true }) };
}
