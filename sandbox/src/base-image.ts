import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type DockerEngine, dockerEnv } from './docker-engine.js';
import { run } from './exec.js';

/**
 * No base image can be pulled on these machines, so the sandbox makes its own from the host's Node:
 * - `runtime`: node and the libraries it links, a passwd with the distroless `nonroot` user (65532), CA
 *   certificates. No shell, like gcr.io/distroless/nodejs.
 * - `build`: the runtime plus npm, /usr/bin/env and /bin/sh, enough for `RUN npm ci` in a build stage.
 */
export type BaseImageFlavour = 'runtime' | 'build';

export function baseImageName(flavour: BaseImageFlavour): string {
  return `k8s-ship.local/node-${flavour}:${process.versions.node}`;
}

function librariesOf(binary: string): string[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  return [...out.matchAll(/(\/\S+\.so[.\d]*)/g)].map((m) => m[1]!);
}

function copyWithLibraries(root: string, binary: string, target = binary): void {
  mkdirSync(join(root, dirname(target)), { recursive: true });
  copyFileSync(binary, join(root, target));
  chmodSync(join(root, target), 0o755);
  for (const lib of librariesOf(binary)) {
    mkdirSync(join(root, dirname(lib)), { recursive: true });
    copyFileSync(realpathSync(lib), join(root, lib));
  }
}

function writeRootfs(root: string, flavour: BaseImageFlavour): void {
  copyWithLibraries(root, realpathSync(process.execPath), '/usr/local/bin/node');
  mkdirSync(join(root, 'etc/ssl/certs'), { recursive: true });
  copyFileSync('/etc/ssl/certs/ca-certificates.crt', join(root, 'etc/ssl/certs/ca-certificates.crt'));
  writeFileSync(
    join(root, 'etc/passwd'),
    'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n',
  );
  writeFileSync(join(root, 'etc/group'), 'root:x:0:\nnonroot:x:65532:\n');
  for (const dir of ['tmp', 'home/nonroot', 'root']) mkdirSync(join(root, dir), { recursive: true });
  chmodSync(join(root, 'tmp'), 0o1777);
  if (flavour === 'build') {
    copyWithLibraries(root, realpathSync('/usr/bin/env'), '/usr/bin/env');
    copyWithLibraries(root, realpathSync('/bin/sh'), '/bin/sh');
    const npmDir = realpathSync(join(dirname(realpathSync('/usr/bin/npm')), '..'));
    cpSync(npmDir, join(root, 'usr/local/lib/node_modules/npm'), { recursive: true });
    symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(root, 'usr/local/bin/npm'));
    symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', join(root, 'usr/local/bin/npx'));
  }
}

/** Builds the base image unless the engine already has it; returns its name. Takes about a second. */
export async function ensureNodeBaseImage(
  engine: DockerEngine,
  flavour: BaseImageFlavour = 'runtime',
): Promise<string> {
  const image = baseImageName(flavour);
  const env = dockerEnv(engine);
  const existing = await run('docker', ['image', 'ls', '-q', image], { env });
  if (existing.stdout.trim() !== '') return image;

  const root = mkdtempSync(join(tmpdir(), `node-${flavour}-rootfs-`));
  chmodSync(root, 0o755); // mkdtemp makes it 0700, which would lock the non-root user out of `/`
  try {
    writeRootfs(root, flavour);
    const tar = execFileSync('tar', ['--numeric-owner', '-C', root, '-c', '.'], {
      maxBuffer: 1024 * 1024 * 1024,
    });
    await run(
      'docker',
      [
        'import',
        '--change',
        'ENV PATH=/usr/local/bin:/usr/bin:/bin',
        '--change',
        'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt',
        '--change',
        'CMD ["node"]',
        '-',
        image,
      ],
      { env, input: tar },
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return image;
}
