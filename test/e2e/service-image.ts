import { join } from 'node:path';
import { ensureNodeBaseImage } from '../../sandbox/src/base-image.js';
import { type DockerEngine, dockerEnv } from '../../sandbox/src/docker-engine.js';
import { run } from '../../sandbox/src/exec.js';
import { repoRoot } from '../../sandbox/src/paths.js';
import { ensureServiceBundle } from '../../service/build/bundle.js';

/**
 * Builds the good service image from service/Dockerfile on the sandbox's local bases, without the
 * pipeline: for tests that need the image itself (to run it, or to derive a bad version from it).
 * `label` (`key=value`) lets the caller remove it afterwards.
 */
export async function buildServiceImage(engine: DockerEngine, tag: string, label: string): Promise<string> {
  await ensureServiceBundle();
  const buildArgs = {
    BUILD_IMAGE: await ensureNodeBaseImage(engine, 'build'),
    RUNTIME_IMAGE: await ensureNodeBaseImage(engine, 'runtime'),
  };
  await run(
    'docker',
    [
      'build',
      '--quiet',
      '--file',
      join(repoRoot, 'service', 'Dockerfile'),
      ...Object.entries(buildArgs).flatMap(([name, value]) => ['--build-arg', `${name}=${value}`]),
      '--label',
      label,
      '--tag',
      tag,
      join(repoRoot, 'service'),
    ],
    { env: dockerEnv(engine), timeoutMs: 180_000 },
  );
  return tag;
}
