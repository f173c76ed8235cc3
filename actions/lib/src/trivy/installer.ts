import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tc from '@actions/tool-cache';

/** The Trivy release this action installs unless told otherwise. */
export const DEFAULT_TRIVY_VERSION = '0.58.1';
export const DEFAULT_TRIVY_DOWNLOAD_URL = 'https://github.com/aquasecurity/trivy/releases/download';

export class TrivyInstallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrivyInstallError';
  }
}

/** The release asset name for this machine, as Trivy's releases spell it. */
export function trivyAssetName(version: string, platform = process.platform, arch = process.arch): string {
  const os = { linux: 'Linux', darwin: 'macOS' }[platform as string];
  const cpu = { x64: '64bit', arm64: 'ARM64' }[arch as string];
  if (os === undefined || cpu === undefined) {
    throw new TrivyInstallError(`Trivy has no release for ${platform}/${arch}; install it on PATH yourself`);
  }
  return `trivy_${version}_${os}-${cpu}.tar.gz`;
}

/** Finds `asset`'s sha256 in a release's `trivy_<version>_checksums.txt` (`<hex>  <name>` lines). */
export function checksumFor(checksums: string, asset: string): string {
  for (const line of checksums.split(/\r?\n/)) {
    const match = /^([0-9a-f]{64})\s+\*?(\S+)$/.exec(line.trim());
    if (match && match[2] === asset) return match[1] as string;
  }
  throw new TrivyInstallError(`the release's checksums file lists no sha256 for ${asset}`);
}

export function sha256OfFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

export interface InstallOptions {
  version: string;
  /** Base URL of the releases; `<base>/v<version>/<asset>`. */
  downloadUrl: string;
}

/**
 * Installs a pinned Trivy into the runner's tool cache, verifying the tarball's sha256 against the
 * release's checksums file before anything from it runs. A cached install is reused. Returns the path of
 * the `trivy` executable.
 */
export async function installTrivy(options: InstallOptions): Promise<string> {
  const cached = tc.find('trivy', options.version);
  if (cached !== '') return join(cached, 'trivy');

  const asset = trivyAssetName(options.version);
  const base = `${options.downloadUrl.replace(/\/+$/, '')}/v${options.version}`;
  const checksumsFile = await tc.downloadTool(`${base}/trivy_${options.version}_checksums.txt`);
  const expected = checksumFor(readFileSync(checksumsFile, 'utf8'), asset);
  const tarball = await tc.downloadTool(`${base}/${asset}`);
  const actual = await sha256OfFile(tarball);
  if (actual !== expected) {
    throw new TrivyInstallError(
      `${asset} from ${base} has sha256 ${actual}, but the release's checksums file says ${expected}: refusing to run it`,
    );
  }
  const extracted = await tc.extractTar(tarball);
  const dir = await tc.cacheDir(extracted, 'trivy', options.version);
  return join(dir, 'trivy');
}
