import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureServiceBundle } from '../../service/build/bundle.js';
import { ensureNodeBaseImage } from '../src/base-image.js';
import { type DockerEngine, dockerEnv } from '../src/docker-engine.js';
import { run } from '../src/exec.js';
import { repoRoot } from '../src/paths.js';
import { buildImageWithNpmPackages, knownVulnerablePackages } from '../src/scan-images.js';
import { removeImagesLabelled, useSandbox } from '../src/testing.js';
import { ensureTrivy, ensureTrivyDb, type TrivyDb, type TrivyTools, trivyCacheDir } from '../src/trivy.js';

interface Finding {
  target: string;
  id: string;
  pkg: string;
  installed: string;
  fixed: string;
  status: string;
  severity: string;
}

let engine: DockerEngine;
let tools: TrivyTools;
let db: TrivyDb;
let root: string;
const label = `k8s-ship.test=trivy-${process.pid}`;

beforeAll(async () => {
  ({ docker: engine } = await useSandbox(['docker']));
  tools = await ensureTrivy();
  db = await ensureTrivyDb();
  root = mkdtempSync(join(tmpdir(), 'trivy-itg-'));
}, 3_600_000);

afterAll(async () => {
  if (engine) await removeImagesLabelled(engine, label);
  if (root) rmSync(root, { recursive: true, force: true });
});

/** Scans an image in the sandbox's engine offline, against the DB made here, in a cache dir of its own. */
async function scan(image: string, name: string, extra: string[] = []) {
  const cacheDir = trivyCacheDir(db, join(root, name, 'cache'));
  const output = join(root, name, 'report.json');
  const started = Date.now();
  await run(
    tools.trivy,
    [
      'image',
      '--image-src',
      'docker',
      '--scanners',
      'vuln',
      '--cache-dir',
      cacheDir,
      '--skip-db-update',
      '--skip-java-db-update',
      '--offline-scan',
      '--skip-version-check',
      '--disable-telemetry',
      '--format',
      'json',
      '--output',
      output,
      '--quiet',
      ...extra,
      image,
    ],
    { env: dockerEnv(engine), timeoutMs: 300_000 },
  );
  const report = JSON.parse(readFileSync(output, 'utf8'));
  const findings: Finding[] = (report.Results ?? []).flatMap(
    (result: { Target: string; Vulnerabilities?: Record<string, string>[] }) =>
      (result.Vulnerabilities ?? []).map((v) => ({
        target: result.Target,
        id: v.VulnerabilityID,
        pkg: v.PkgName,
        installed: v.InstalledVersion,
        fixed: v.FixedVersion ?? '',
        status: v.Status,
        severity: v.Severity,
      })),
  );
  return { report, findings, seconds: (Date.now() - started) / 1000 };
}

describe('Trivy built from sandbox/trivy', () => {
  it('is the release go.mod pins', async () => {
    const { stdout } = await run(tools.trivy, ['--version']);
    expect(stdout).toContain(`Version: ${tools.version.slice(1)}`);
    expect(tools.version).toBe('v0.74.0');
  });

  it('reads the DB made here: schema 2, built from advisories.json', async () => {
    const metadata = JSON.parse(readFileSync(join(db.dir, 'metadata.json'), 'utf8'));
    const records = JSON.parse(readFileSync(db.advisories, 'utf8'));
    expect(metadata).toMatchObject({ Version: 2, UpdatedAt: records.updatedAt.replace('.000', '') });
    const cacheDir = trivyCacheDir(db, join(root, 'version', 'cache'));
    const { stdout } = await run(tools.trivy, ['--version', '--cache-dir', cacheDir]);
    expect(stdout).toMatch(/Vulnerability DB:\s+Version: 2/);
  });
});

describe('a scan of images built here, offline against the local DB', () => {
  it('the service image: Trivy sees Debian 12 and the base image Debian packages, with their open advisories only', async () => {
    await ensureServiceBundle();
    const image = `k8s-ship.local/trivy-itg/service:${process.pid}`;
    const env = dockerEnv(engine);
    await run(
      'docker',
      [
        'build',
        '--quiet',
        '--build-arg',
        `BUILD_IMAGE=${await ensureNodeBaseImage(engine, 'build')}`,
        '--build-arg',
        `RUNTIME_IMAGE=${await ensureNodeBaseImage(engine, 'runtime')}`,
        '--label',
        label,
        '--tag',
        image,
        join(repoRoot, 'service'),
      ],
      { env, timeoutMs: 300_000 },
    );
    const { report, findings } = await scan(image, 'service', ['--list-all-pkgs']);
    expect(report.Metadata.OS).toMatchObject({ Family: 'debian', Name: expect.stringMatching(/^12\./) });
    const packages = (report.Results as { Target: string; Packages?: { Name: string; Version: string }[] }[])
      .flatMap((r) => (r.Packages ?? []).map((p) => `${r.Target} ${p.Name}@${p.Version}`))
      .sort();
    expect(packages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\(debian 12\.\d+\) libc6@2\.36$/),
        expect.stringMatching(/\(debian 12\.\d+\) libgcc-s1@12\.2\.0$/),
        expect.stringMatching(/\(debian 12\.\d+\) libstdc\+\+6@12\.2\.0$/),
        // The npm packages inlined into the bundle, from the SBOM the image carries (/app/sbom.cdx.json).
        'Node.js koa@3.3.0',
        'Node.js prom-client@15.1.3',
        'Node.js @opentelemetry/api@1.10.0',
      ]),
    );
    const ids = findings.map((f) => `${f.pkg} ${f.installed} ${f.id} ${f.status}`).sort();
    // The npm packages inlined into the bundle have no advisory in the DB at their pinned versions.
    expect(ids).toEqual([
      expect.stringMatching(/^libc6 2\.36-9\+deb12u\d+ CVE-2010-4756 affected$/),
      expect.stringMatching(/^libc6 2\.36-9\+deb12u\d+ CVE-2019-1010022 affected$/),
      'libgcc-s1 12.2.0-14+deb12u1 CVE-2022-27943 affected',
      'libstdc++6 12.2.0-14+deb12u1 CVE-2022-27943 affected',
    ]);
    // Fixed in the installed versions (glibc's and gcc-12's Debian changelogs): not reported.
    expect(ids.join('\n')).not.toMatch(/CVE-2023-4911|CVE-2023-4039/);
    expect(findings.every((f) => f.fixed === '' && f.severity === 'LOW')).toBe(true);
  });

  it('an image carrying npm releases with known advisories: each CVE with its package, installed and fixed version', async () => {
    const image = await buildImageWithNpmPackages(
      engine,
      `k8s-ship.local/trivy-itg/vulnerable:${process.pid}`,
      label,
      knownVulnerablePackages,
    );
    const { findings } = await scan(image, 'vulnerable');
    const npm = findings.filter((f) => f.target === 'Node.js');
    expect(
      npm.map(({ pkg, installed, id, fixed, severity }) => ({ pkg, installed, id, fixed, severity })),
    ).toEqual(
      expect.arrayContaining([
        { pkg: 'lodash', installed: '4.17.11', id: 'CVE-2019-10744', fixed: '4.17.12', severity: 'CRITICAL' },
        {
          pkg: 'minimist',
          installed: '1.2.5',
          id: 'CVE-2021-44906',
          fixed: '0.2.4, 1.2.6',
          severity: 'CRITICAL',
        },
        {
          pkg: 'cross-spawn',
          installed: '7.0.3',
          id: 'CVE-2024-21538',
          fixed: '6.0.6, 7.0.5',
          severity: 'HIGH',
        },
      ]),
    );
    expect(npm).toHaveLength(3);
    // The advisory that matches nothing (node-serialize) is in the DB and found nowhere.
    expect(findings.map((f) => f.id)).not.toContain('CVE-2017-5941');
  });

  it('--ignore-unfixed leaves the base image advisories without a fix out', async () => {
    const image = await buildImageWithNpmPackages(
      engine,
      `k8s-ship.local/trivy-itg/vulnerable:${process.pid}`,
      label,
      knownVulnerablePackages,
    );
    const { findings } = await scan(image, 'unfixed', ['--ignore-unfixed']);
    expect(findings.map((f) => f.id).sort()).toEqual(['CVE-2019-10744', 'CVE-2021-44906', 'CVE-2024-21538']);
  });
});
