import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { installTrivy, TrivyInstallError, trivyAssetName } from '../../src/trivy/installer.js';

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

  function release(version: string, options: { checksumOf?: Buffer; omitAsset?: boolean } = {}): void {
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
  });

  afterAll(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await new Promise((resolve) => server.close(resolve));
    rmSync(root, { recursive: true, force: true });
  });

  test('downloads, verifies and caches the pinned release, then reuses the cache', async () => {
    release('0.58.1');
    const trivy = await installTrivy({ version: '0.58.1', downloadUrl: `${baseUrl}/` });
    expect(execFileSync(trivy, ['--version'], { encoding: 'utf8' })).toBe('Version: 0.58.1\n');
    expect(requests).toEqual(['/v0.58.1/trivy_0.58.1_checksums.txt', `/v0.58.1/${trivyAssetName('0.58.1')}`]);

    requests.length = 0;
    expect(await installTrivy({ version: '0.58.1', downloadUrl: baseUrl })).toBe(trivy);
    expect(requests).toEqual([]);
  });

  test('a tarball whose sha256 differs from the checksums file is refused and not cached', async () => {
    release('0.57.0', { checksumOf: Buffer.from('what the release should have been') });
    await expect(installTrivy({ version: '0.57.0', downloadUrl: baseUrl })).rejects.toThrow(
      /trivy_0\.57\.0_Linux-64bit\.tar\.gz from .* has sha256 [0-9a-f]{64}, but the release's checksums file says [0-9a-f]{64}: refusing to run it/,
    );
    // Nothing reached the tool cache: the next attempt downloads again.
    requests.length = 0;
    await expect(installTrivy({ version: '0.57.0', downloadUrl: baseUrl })).rejects.toThrow(
      TrivyInstallError,
    );
    expect(requests).toHaveLength(2);
  });

  test('a checksums file that does not list the asset is refused', async () => {
    release('0.56.2', { omitAsset: true });
    await expect(installTrivy({ version: '0.56.2', downloadUrl: baseUrl })).rejects.toThrow(
      /checksums file lists no sha256 for trivy_0\.56\.2_Linux-64bit\.tar\.gz/,
    );
    expect(requests).toEqual(['/v0.56.2/trivy_0.56.2_checksums.txt']);
  });

  test('a version the server does not have fails with the HTTP status', async () => {
    await expect(installTrivy({ version: '9.9.9', downloadUrl: baseUrl })).rejects.toThrow(/404/);
  });
});
