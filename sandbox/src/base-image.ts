import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
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
 * Both say what they are made of the way distroless images do, so that scanners see it: /etc/os-release,
 * /etc/debian_version and one `/var/lib/dpkg/status.d/<package>` entry per Debian package whose files were copied in.
 */
export type BaseImageFlavour = 'runtime' | 'build';

/** Bumped when the layout changes, so that an engine holding an image of the old layout builds anew. */
const LAYOUT_REVISION = 3;

export function baseImageName(flavour: BaseImageFlavour): string {
  return `k8s-ship.local/node-${flavour}:${process.versions.node}-r${LAYOUT_REVISION}`;
}

function librariesOf(binary: string): string[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  return [...out.matchAll(/(\/\S+\.so[.\d]*)/g)].map((m) => m[1]!);
}

/** Copies a binary and the libraries it links; returns the host paths of the libraries. */
function copyWithLibraries(root: string, binary: string, target = binary): string[] {
  mkdirSync(join(root, dirname(target)), { recursive: true });
  copyFileSync(binary, join(root, target));
  chmodSync(join(root, target), 0o755);
  const libraries = librariesOf(binary);
  for (const lib of libraries) {
    mkdirSync(join(root, dirname(lib)), { recursive: true });
    copyFileSync(realpathSync(lib), join(root, lib));
  }
  return libraries;
}

/**
 * The Debian package that owns a file, or undefined. dpkg records each file under the path its package
 * ships it at, which on a merged-/usr system may be the /usr twin of the path at hand or of its target.
 */
function debianPackageOwning(path: string): string | undefined {
  const real = realpathSync(path);
  const twin = (p: string) => (p.startsWith('/usr/') ? p.slice(4) : `/usr${p}`);
  for (const candidate of new Set([path, real, twin(path), twin(real)])) {
    const result = spawnSync('dpkg-query', ['-S', candidate], { encoding: 'utf8' });
    if (result.status !== 0) continue;
    const owner = /^([a-z0-9][a-z0-9+.-]*)(?::[a-z0-9]+)?: \//m.exec(result.stdout);
    if (owner?.[1]) return owner[1];
  }
  return undefined;
}

/**
 * What a scanner reads to know the OS and its packages, for the host files copied in: the host's
 * os-release and, distroless-style, one dpkg status entry per owning package (`dpkg-query -s`, as
 * installed here). Nothing is written on a host without dpkg: the image then has no OS packages to list.
 */
function writeDebianMetadata(root: string, files: string[]): void {
  if (spawnSync('dpkg-query', ['--version']).status !== 0 || !existsSync('/etc/os-release')) return;
  const packages = new Set(files.map(debianPackageOwning).filter((p): p is string => p !== undefined));
  mkdirSync(join(root, 'var/lib/dpkg/status.d'), { recursive: true });
  for (const pkg of [...packages].sort()) {
    const status = execFileSync('dpkg-query', ['-s', pkg], { encoding: 'utf8' });
    writeFileSync(join(root, 'var/lib/dpkg/status.d', pkg), `${status.trimEnd()}\n`);
  }
  mkdirSync(join(root, 'etc'), { recursive: true });
  // Scanners take Debian's release from debian_version (Trivy reads no other file for Debian).
  for (const file of ['os-release', 'debian_version'])
    if (existsSync(`/etc/${file}`)) copyFileSync(realpathSync(`/etc/${file}`), join(root, 'etc', file));
}

function writeRootfs(root: string, flavour: BaseImageFlavour): void {
  // Node itself is not listed: it is Node.js's own build (NodeSource's here, the runner's in CI), not
  // Debian's nodejs package, whose advisories would not describe it. The libraries it links are Debian's.
  const debianFiles = copyWithLibraries(root, realpathSync(process.execPath), '/usr/local/bin/node');
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
    debianFiles.push(
      '/usr/bin/env',
      ...copyWithLibraries(root, realpathSync('/usr/bin/env'), '/usr/bin/env'),
    );
    debianFiles.push('/bin/sh', ...copyWithLibraries(root, realpathSync('/bin/sh'), '/bin/sh'));
    const npmDir = realpathSync(join(dirname(realpathSync('/usr/bin/npm')), '..'));
    cpSync(npmDir, join(root, 'usr/local/lib/node_modules/npm'), { recursive: true });
    symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(root, 'usr/local/bin/npm'));
    symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', join(root, 'usr/local/bin/npx'));
  }
  writeDebianMetadata(root, debianFiles);
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
