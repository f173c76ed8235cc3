import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A folder to put first on PATH whose `docker` appends its argv (one call a line) to `log`, then runs the
 * real docker with the same arguments: what every docker process of the action was started with.
 */
export function argvRecordingDocker(): { dir: string; log: string } {
  const real = execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim();
  if (real === '')
    throw new Error('docker is not on PATH: the build-push integration tests need the docker CLI');
  const dir = mkdtempSync(join(tmpdir(), 'docker-argv-'));
  const log = join(dir, 'argv.log');
  writeFileSync(log, '');
  writeFileSync(join(dir, 'docker'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${real}' "$@"\n`);
  chmodSync(join(dir, 'docker'), 0o755);
  return { dir, log };
}
