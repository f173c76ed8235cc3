import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { DockerCli } from '../../lib/src/docker/docker-cli.js';
import { info, mainStepRan, ProcessCommandRunner } from '../../lib/src/index.js';
import { buildPushState } from './state.js';

/** Logs out of the registry and deletes the job's DOCKER_CONFIG with the credentials in it. */
export async function cleanup(runner = new ProcessCommandRunner()): Promise<void> {
  if (!mainStepRan()) return;
  const dockerConfig = buildPushState.get('dockerConfig');
  const registry = buildPushState.get('registry');
  if (dockerConfig === undefined) return;
  try {
    if (registry !== undefined) {
      await new DockerCli(runner, { DOCKER_CONFIG: dockerConfig }).logout(registry);
      info(`Logged out of ${registry}`);
    }
  } finally {
    // DOCKER_CONFIG sits inside the job's work folder (main.ts), which also holds the image ID file.
    rmSync(dirname(dockerConfig), { recursive: true, force: true });
  }
}
