import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DockerEngine, dockerEnv } from '../../../sandbox/src/docker-engine.js';
import { run } from '../../../sandbox/src/exec.js';
import { debianMirrorFromApt } from './debian-mirror.js';

/** Bump when the recipe below changes, so that a cached image from an older recipe is not reused. */
const recipeVersion = '1';
export const targetImage = `k8s-ship.local/ansible-target-bookworm:${recipeVersion}`;
export const ownerLabel = 'k8s-ship.owner=ansible-test';

/**
 * A Debian bookworm image to converge roles against, built from a local debootstrap (nothing can be
 * pulled here) and cached in the engine: the first build takes about a minute, later calls return at once.
 * Like Debian's official images it carries a policy-rc.d that stops package scripts from starting daemons,
 * since a container has no init to run them.
 */
export async function ensureTargetImage(engine: DockerEngine): Promise<string> {
  const env = dockerEnv(engine);
  const existing = await run('docker', ['image', 'ls', '-q', targetImage], { env });
  if (existing.stdout.trim() !== '') return targetImage;

  const mirror = debianMirrorFromApt('bookworm');
  const root = mkdtempSync(join(tmpdir(), 'ansible-target-rootfs-'));
  chmodSync(root, 0o755);
  try {
    await run('debootstrap', ['--variant=minbase', '--include=python3', 'bookworm', root, mirror], {
      timeoutMs: 600_000,
    });
    writeFileSync(join(root, 'usr/sbin/policy-rc.d'), '#!/bin/sh\nexit 101\n', { mode: 0o755 });
    const archives = join(root, 'var/cache/apt/archives');
    for (const deb of readdirSync(archives).filter((name) => name.endsWith('.deb')))
      rmSync(join(archives, deb));
    const tar = await tarOf(root);
    await run(
      'docker',
      [
        'import',
        '--change',
        'CMD ["sleep", "infinity"]',
        '--change',
        `LABEL ${ownerLabel}`,
        '-',
        targetImage,
      ],
      { env, input: tar },
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return targetImage;
}

async function tarOf(root: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      'tar',
      ['--numeric-owner', '-C', root, '-c', '.'],
      { encoding: 'buffer', maxBuffer: 2 * 1024 * 1024 * 1024 },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    );
  });
}
