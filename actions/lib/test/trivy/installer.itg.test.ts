import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tc from '@actions/tool-cache';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  DEFAULT_TRIVY_VERSION,
  type InstallOptions,
  installTrivy,
  TrivyInstallError,
  trivyAssetName,
} from '../../src/trivy/installer.js';
import { PINNED_TRIVY_SHA256 } from '../../src/trivy/pinned-checksums.js';

/**
 * The download-and-verify path against a local HTTP server on 127.0.0.1 that serves a release like
 * GitHub does: `/v<version>/<tarball>` and `/v<version>/trivy_<version>_checksums.txt`.
 */
describe('installTrivy against a local release server', () => {
  let root: string;
  let server: Server;
  let baseUrl: string;
  const files = new Map<string, Buffer>();
  const requests: string[] = [];
  const saved = { RUNNER_TOOL_CACHE: process.env.RUNNER_TOOL_CACHE, RUNNER_TEMP: process.env.RUNNER_TEMP };

  const warnings: string[] = [];
  /** installTrivy with this server, the warnings collected, and the action's own pins unless given. */
  const install = (version: string, more: Partial<InstallOptions> = {}) =>
    installTrivy({ version, downloadUrl: baseUrl, warn: (message) => warnings.push(message), ...more });

  /** Serves a release of a fake trivy; returns the tarball's sha256. */
  function release(version: string, options: { checksumOf?: Buffer; omitAsset?: boolean } = {}): string {
    const build = join(root, `build-${version}`);
    mkdirSync(build, { recursive: true });
    writeFileSync(join(build, 'trivy'), `#!/bin/sh\necho "Version: ${version}"\n`);
    chmodSync(join(build, 'trivy'), 0o755);
    writeFileSync(join(build, 'LICENSE'), 'Apache-2.0\n');
    const tarball = execFileSync('tar', ['-czf', '-', '-C', build, 'trivy', 'LICENSE']);
    const asset = trivyAssetName(version);
    const sha = createHash('sha256')
      .update(options.checksumOf ?? tarball)
      .digest('hex');
    const lines = [`${'0'.repeat(64)}  trivy_${version}_windows-64bit.zip`];
    if (!options.omitAsset) lines.push(`${sha}  ${asset}`);
    files.set(`/v${version}/${asset}`, tarball);
    files.set(`/v${version}/trivy_${version}_checksums.txt`, Buffer.from(`${lines.join('\n')}\n`));
    return createHash('sha256').update(tarball).digest('hex');
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'trivy-installer-'));
    server = createServer((request, response) => {
      requests.push(request.url ?? '');
      const body = files.get(request.url ?? '');
      response.writeHead(body ? 200 : 404).end(body ?? 'not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  beforeEach(() => {
    // A fresh tool cache per test, so that nothing one test installs answers for another.
    const run = mkdtempSync(join(root, 'run-'));
    process.env.RUNNER_TOOL_CACHE = join(run, 'tool-cache');
    process.env.RUNNER_TEMP = join(run, 'temp');
    requests.length = 0;
    warnings.length = 0;
  });

  afterAll(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await new Promise((resolve) => server.close(resolve));
    rmSync(root, { recursive: true, force: true });
  });

  test('a pinned version is checked against the pin alone, cached, then reused', async () => {
    const sha256 = release('0.58.1');
    const asset = trivyAssetName('0.58.1');
    const trivy = await install('0.58.1', { downloadUrl: `${baseUrl}/`, pins: { [asset]: sha256 } });
    expect(execFileSync(trivy, ['--version'], { encoding: 'utf8' })).toBe('Version: 0.58.1\n');
    // The checksums file is not even fetched: it could only agree with whoever served the tarball.
    expect(requests).toEqual([`/v0.58.1/${asset}`]);
    expect(warnings).toEqual([]);

    requests.length = 0;
    expect(await install('0.58.1', { pins: { [asset]: sha256 } })).toBe(trivy);
    expect(requests).toEqual([]);
  });

  test('the default version served by a mirror that swapped tarball and checksums file together is refused, and nothing is cached', async () => {
    // The checksums file agrees with the swapped tarball; only the pin in the code does not.
    release(DEFAULT_TRIVY_VERSION);
    const asset = trivyAssetName(DEFAULT_TRIVY_VERSION);
    const pin = PINNED_TRIVY_SHA256[asset];
    expect(pin).toMatch(/^[0-9a-f]{64}$/);
    await expect(install(DEFAULT_TRIVY_VERSION)).rejects.toThrow(
      `but the sha256 pinned in this action says ${pin}: refusing to run it`,
    );
    expect(requests).toEqual([`/v${DEFAULT_TRIVY_VERSION}/${asset}`]);
    expect(tc.find('trivy', DEFAULT_TRIVY_VERSION)).toBe('');
    expect(readdirSync(process.env.RUNNER_TEMP as string)).toEqual([]);
    expect(warnings).toEqual([]);
  });

  test('a version without a pin is checked against the checksums file, with a warning that says so', async () => {
    release('0.57.0');
    const trivy = await install('0.57.0', { pins: {} });
    expect(execFileSync(trivy, ['--version'], { encoding: 'utf8' })).toBe('Version: 0.57.0\n');
    expect(requests).toEqual(['/v0.57.0/trivy_0.57.0_checksums.txt', `/v0.57.0/${trivyAssetName('0.57.0')}`]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^Trivy 0\.57\.0 \(trivy_0\.57\.0_Linux-64bit\.tar\.gz\) has no sha256 pinned in this action: it is checked only against the release's checksums file, which comes from the same place \(http:\/\/127\.0\.0\.1:\d+\/v0\.57\.0\) and would not catch a compromised mirror or release\. Pinned: none\.$/,
    );
  });

  test('the warning names the versions the action does pin', async () => {
    release('0.57.1');
    await install('0.57.1');
    expect(warnings[0]).toContain(`Pinned: ${Object.keys(PINNED_TRIVY_SHA256).join(', ')}.`);
  });

  test('an unpinned tarball whose sha256 differs from the checksums file is refused and not cached', async () => {
    release('0.57.0', { checksumOf: Buffer.from('what the release should have been') });
    await expect(install('0.57.0')).rejects.toThrow(
      /trivy_0\.57\.0_Linux-64bit\.tar\.gz from .* has sha256 [0-9a-f]{64}, but the release's checksums file says [0-9a-f]{64}: refusing to run it/,
    );
    // Nothing reached the tool cache: the next attempt downloads again.
    requests.length = 0;
    await expect(install('0.57.0')).rejects.toThrow(TrivyInstallError);
    expect(requests).toHaveLength(2);
  });

  test('a checksums file that does not list the asset is refused', async () => {
    release('0.56.2', { omitAsset: true });
    await expect(install('0.56.2')).rejects.toThrow(
      /checksums file lists no sha256 for trivy_0\.56\.2_Linux-64bit\.tar\.gz/,
    );
    expect(requests).toEqual(['/v0.56.2/trivy_0.56.2_checksums.txt']);
  });

  test('a version the server does not have fails with the HTTP status', async () => {
    await expect(install('9.9.9')).rejects.toThrow(/404/);
  });
});
