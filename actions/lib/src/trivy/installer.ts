import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tc from '@actions/tool-cache';
import { type CommandRunner, ProcessCommandRunner } from '../command.js';
import { warning } from '../log.js';
import { PINNED_TRIVY_SHA256 } from './pinned-checksums.js';

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
  /** Asset name → sha256 kept in the code; the default is the table in pinned-checksums.ts. */
  pins?: Readonly<Record<string, string>>;
  /** Where the warning about an unpinned version goes; the runner's log by default. */
  warn?: (message: string) => void;
  /** Runs tar; the one that keeps the action's INPUT_* variables from it by default. */
  runner?: CommandRunner;
}

interface ExpectedSha256 {
  sha256: string;
  /** Names where the value came from, for the mismatch message. */
  source: string;
}

/**
 * The sha256 the tarball must have: the pin when the code has one (the checksums file is then not even
 * fetched), else the release's checksums file, with a warning that this proves less.
 */
async function expectedSha256(options: InstallOptions, asset: string, base: string): Promise<ExpectedSha256> {
  const pinned = (options.pins ?? PINNED_TRIVY_SHA256)[asset];
  if (pinned !== undefined) return { sha256: pinned, source: 'the sha256 pinned in this action' };
  (options.warn ?? warning)(
    `Trivy ${options.version} (${asset}) has no sha256 pinned in this action: it is checked only against ` +
      `the release's checksums file, which comes from the same place (${base}) and would not catch a ` +
      'compromised mirror or release. Pinned: ' +
      `${Object.keys(options.pins ?? PINNED_TRIVY_SHA256).join(', ') || 'none'}.`,
  );
  const checksumsFile = await tc.downloadTool(`${base}/trivy_${options.version}_checksums.txt`);
  return {
    sha256: checksumFor(readFileSync(checksumsFile, 'utf8'), asset),
    source: "the release's checksums file",
  };
}

/**
 * Installs Trivy into the runner's tool cache, verifying the tarball's sha256 (against the pin, or the
 * release's checksums file for a version without one) before anything from it runs. A cached install is
 * reused. Returns the path of the `trivy` executable.
 */
export async function installTrivy(options: InstallOptions): Promise<string> {
  const cached = tc.find('trivy', options.version);
  if (cached !== '') return join(cached, 'trivy');

  const asset = trivyAssetName(options.version);
  const base = `${options.downloadUrl.replace(/\/+$/, '')}/v${options.version}`;
  const expected = await expectedSha256(options, asset, base);
  const tarball = await tc.downloadTool(`${base}/${asset}`);
  const actual = await sha256OfFile(tarball);
  if (actual !== expected.sha256) {
    rmSync(tarball, { force: true });
    throw new TrivyInstallError(
      `${asset} from ${base} has sha256 ${actual}, but ${expected.source} says ${expected.sha256}: refusing to run it`,
    );
  }
  const extracted = await extractTarball(tarball, options.runner ?? new ProcessCommandRunner());
  const dir = await tc.cacheDir(extracted, 'trivy', options.version);
  return join(dir, 'trivy');
}

/**
 * Unpacks a .tar.gz into a new folder of the runner's temp directory. Not tc.extractTar: that starts tar
 * through @actions/exec with this process's whole environment, INPUT_* variables included.
 */
async function extractTarball(tarball: string, runner: CommandRunner): Promise<string> {
  const temp = process.env.RUNNER_TEMP || tmpdir();
  mkdirSync(temp, { recursive: true });
  const dest = mkdtempSync(join(temp, 'trivy-'));
  await runner.run('tar', ['-xzf', tarball, '-C', dest], { timeoutMs: 120_000 });
  return dest;
}
