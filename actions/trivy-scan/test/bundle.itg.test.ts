import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runBundledAction } from '../../../runner/src/run-bundle.js';
import { type DockerEngine, dockerEnv } from '../../../sandbox/src/docker-engine.js';
import { run } from '../../../sandbox/src/exec.js';
import type { RegistryCredentials } from '../../../sandbox/src/registry.js';
import { buildImageWithNpmPackages, knownVulnerablePackages } from '../../../sandbox/src/scan-images.js';
import { removeImagesLabelled, useSandbox } from '../../../sandbox/src/testing.js';
import {
  ensureTrivy,
  ensureTrivyDb,
  type TrivyDb,
  type TrivyTools,
  trivyCacheDir,
} from '../../../sandbox/src/trivy.js';
import { loadSarifValidator, type SarifValidator } from './sarif-schema.js';

const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The real trivy-scan bundle, run under Node 24 as the runner runs it, with the Trivy built from
 * sandbox/trivy first on PATH (`trivy-source: path`; on GitHub's runners the action installs the pinned,
 * checksum-verified release instead) and the DB made here in its cache dir. That DB's metadata says it is
 * fresh, so the action downloads nothing. The images are built in the sandbox's Docker engine, which
 * Trivy reads through DOCKER_HOST; one is pushed to the sandbox's password-protected registry and taken
 * out of the engine, so that Trivy can only read it from the registry, as the pipeline has it scan. Every
 * SARIF file the action writes is checked against the OASIS SARIF 2.1.0 schema.
 */
describe('the trivy-scan bundle with the Trivy built here', () => {
  let engine: DockerEngine;
  let tools: TrivyTools;
  let db: TrivyDb;
  let root: string;
  let binDir: string;
  let vulnerable: string;
  let clean: string;
  let registry: RegistryCredentials & { url: string };
  /** The vulnerable image by digest, in the registry only. */
  let inRegistry: string;
  let sarifErrors: SarifValidator;
  const label = `k8s-ship.test=trivy-scan-${process.pid}`;

  beforeAll(async () => {
    sarifErrors = loadSarifValidator();
    const sandbox = await useSandbox(['docker', 'registry']);
    engine = sandbox.docker;
    const credentials = readFileSync(sandbox.registry.credentialsFile, 'utf8');
    registry = { ...(JSON.parse(credentials) as RegistryCredentials), url: sandbox.registry.url };
    tools = await ensureTrivy();
    db = await ensureTrivyDb();
    root = mkdtempSync(join(tmpdir(), 'trivy-scan-bundle-'));
    binDir = join(root, 'bin');
    mkdirSync(binDir);
    symlinkSync(tools.trivy, join(binDir, 'trivy'));
    vulnerable = await buildImageWithNpmPackages(
      engine,
      `k8s-ship.local/trivy-scan-itg/vulnerable:${process.pid}`,
      label,
      knownVulnerablePackages,
    );
    clean = await buildImageWithNpmPackages(
      engine,
      `k8s-ship.local/trivy-scan-itg/clean:${process.pid}`,
      label,
      [],
    );
    inRegistry = await pushThenRemoveFromEngine(vulnerable, `${registry.registry}/trivy-scan-itg/vulnerable`);
  }, 3_600_000);

  afterAll(async () => {
    if (inRegistry) await deleteFromRegistry(inRegistry);
    if (engine) await removeImagesLabelled(engine, label);
    if (root) rmSync(root, { recursive: true, force: true });
  });

  /**
   * Pushes `image` to the registry as `repository` and returns it by digest, after removing every name
   * of it in that repository from the engine (the image stays in the engine under its first name only).
   */
  async function pushThenRemoveFromEngine(image: string, repository: string): Promise<string> {
    const env = { ...dockerEnv(engine), DOCKER_CONFIG: join(root, 'docker-config') };
    const tag = `${repository}:${process.pid}`;
    await run('docker', ['login', '--username', registry.username, '--password-stdin', registry.registry], {
      env,
      input: registry.password,
    });
    await run('docker', ['tag', image, tag], { env });
    await run('docker', ['push', '--quiet', tag], { env, timeoutMs: 180_000 });
    const inspected = await run('docker', ['image', 'inspect', '--format', '{{json .RepoDigests}}', tag], {
      env,
    });
    const byDigest = (JSON.parse(inspected.stdout) as string[]).find((ref) =>
      ref.startsWith(`${repository}@`),
    );
    if (!byDigest) throw new Error(`docker push left no digest of ${tag}: ${inspected.stdout}`);
    await run('docker', ['logout', registry.registry], { env });
    const inEngine = () =>
      run('docker', ['image', 'inspect', byDigest], { env }).then(
        () => true,
        () => false,
      );
    // Removing the repository's last tag drops its digest reference too on this engine; if not, drop it.
    await run('docker', ['image', 'rm', tag], { env });
    if (await inEngine()) await run('docker', ['image', 'rm', byDigest], { env });
    if (await inEngine()) throw new Error(`${byDigest} is still in the engine after docker image rm`);
    return byDigest;
  }

  /** Deletes the pushed manifest again (the registry allows deletes), leaving the registry as found. */
  async function deleteFromRegistry(byDigest: string): Promise<void> {
    const [, repository, digest] = /^[^/]+\/(.+)@(sha256:[0-9a-f]{64})$/.exec(byDigest) ?? [];
    const auth = Buffer.from(`${registry.username}:${registry.password}`).toString('base64');
    const answer = await fetch(`${registry.url}/v2/${repository}/manifests/${digest}`, {
      method: 'DELETE',
      headers: { Authorization: `Basic ${auth}` },
    });
    if (answer.status !== 202) throw new Error(`deleting ${byDigest} answered HTTP ${answer.status}`);
  }

  /** One run of the action; `cache: 'db'` gives it a cache dir holding the local DB, `'empty'` none. */
  async function scan(
    name: string,
    inputs: Record<string, string>,
    options: { workspaceFiles?: Record<string, string>; cache?: 'db' | 'empty' } = {},
  ) {
    const workspace = join(root, name, 'workspace');
    mkdirSync(workspace, { recursive: true });
    for (const [file, text] of Object.entries(options.workspaceFiles ?? {}))
      writeFileSync(join(workspace, file), text);
    const cacheDir = join(root, name, 'cache');
    if ((options.cache ?? 'db') === 'db') trivyCacheDir(db, cacheDir);
    const reportDir = join(root, name, 'reports');
    const run = await runBundledAction({
      actionDir,
      node: 'node24',
      workspace,
      inputs: { 'trivy-source': 'path', 'cache-dir': cacheDir, 'report-dir': reportDir, ...inputs },
      env: { PATH: `${binDir}:${process.env.PATH}`, DOCKER_HOST: engine.host },
      timeoutMs: 300_000,
    });
    const reports = existsSync(reportDir) ? readdirSync(reportDir) : [];
    return { main: run.main, cacheDir, reports };
  }

  test('a CRITICAL finding fails the gate: counts, the JSON report, SARIF and the summary table', async () => {
    const { main } = await scan('critical', { 'image-ref': vulnerable });
    expect(main.visibleLog).toContain(`Trivy ${tools.version.slice(1)} at ${join(binDir, 'trivy')}`);
    expect(main.visibleLog).toMatch(/Cached DB built 2026-12-04T00:00:00Z is fresh/);
    expect(main.exitCode).toBe(1);
    expect(main.errors.join('\n')).toContain(`3 vulnerabilities at or above HIGH in ${vulnerable}`);
    expect(main.outputs).toMatchObject({
      critical: '2',
      high: '1',
      medium: '0',
      low: '4',
      unknown: '0',
      total: '7',
      passed: 'false',
      'db-cache-key': 'trivy-db-v2-20261204T000000Z',
    });
    const report = JSON.parse(readFileSync(main.outputs['report-path'] as string, 'utf8'));
    expect(report).toMatchObject({ SchemaVersion: 2, ArtifactName: vulnerable });
    const sarif = JSON.parse(readFileSync(main.outputs['sarif-path'] as string, 'utf8'));
    expect(sarifErrors(sarif)).toEqual([]);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].tool.driver.name).toBe('Trivy');
    expect(sarif.runs[0].results).toHaveLength(7); // full SARIF: the LOW findings too
    expect(main.summary).toContain(
      '>CVE-2019-10744</a></td><td>lodash</td><td>4.17.11</td><td>4.17.12</td><td>CRITICAL</td>',
    );
    expect(main.summary).toContain('<td>cross-spawn</td><td>7.0.3</td>');
    expect(main.summary).not.toContain('CVE-2019-1010022'); // LOW: counted, not in the failing table
  });

  test('a clean image passes: only the base image LOW advisories without a fix', async () => {
    const { main } = await scan('clean', { 'image-ref': clean });
    expect(main.exitCode).toBe(0);
    expect(main.outputs).toMatchObject({ critical: '0', high: '0', low: '4', total: '4', passed: 'true' });
    expect(main.summary).toContain('Passed: no finding at or above HIGH.');
    const sarif = JSON.parse(readFileSync(main.outputs['sarif-path'] as string, 'utf8'));
    expect(sarifErrors(sarif)).toEqual([]);
  });

  test('an image only in the password-protected registry, by digest: scanned with username and password', async () => {
    const { main } = await scan('registry', {
      'image-ref': inRegistry,
      username: registry.username,
      password: registry.password,
      'fail-on': 'NONE',
    });
    expect(main.exitCode).toBe(0);
    expect(main.outputs).toMatchObject({ critical: '2', high: '1', low: '4', total: '7', passed: 'true' });
    const report = JSON.parse(readFileSync(main.outputs['report-path'] as string, 'utf8'));
    expect(report).toMatchObject({ SchemaVersion: 2, ArtifactName: inRegistry });
    const sarif = JSON.parse(readFileSync(main.outputs['sarif-path'] as string, 'utf8'));
    expect(sarifErrors(sarif)).toEqual([]);
    expect(sarif.runs[0].results).toHaveLength(7);
    // The runner was told to mask the password, and nothing but that command ever printed it.
    expect(main.masks).toContain(registry.password);
    expect(main.visibleLog).not.toContain(registry.password);
    const printed = `${main.stdout}\n${main.stderr}`.split('\n').filter((l) => l.includes(registry.password));
    for (const line of printed) expect(line).toMatch(/^::add-mask::/);
  });

  test('the same image without credentials: the step fails saying the registry answered UNAUTHORIZED', async () => {
    const { main, reports } = await scan('registry-anonymous', { 'image-ref': inRegistry });
    expect(main.exitCode).toBe(1);
    expect(main.errors).toEqual([
      `The registry ${registry.registry} answered UNAUTHORIZED: authentication required for ${inRegistry}: it wants credentials: pass them in the inputs 'username' and 'password'.`,
    ]);
    expect(reports).toEqual([]);
    expect(main.outputs).toEqual({});
  });

  test('a wrong password: the step fails saying the registry refused that user', async () => {
    const { main } = await scan('registry-wrong', {
      'image-ref': inRegistry,
      username: registry.username,
      password: 'not-the-password',
    });
    expect(main.exitCode).toBe(1);
    expect(main.errors).toEqual([
      `The registry ${registry.registry} answered UNAUTHORIZED: authentication required for ${inRegistry}: it refused user '${registry.username}' with the password given: check the inputs 'username' and 'password'.`,
    ]);
    expect(main.outputs).toEqual({});
  });

  test('a password without a username fails naming the input, before Trivy runs', async () => {
    const { main } = await scan('registry-half', { 'image-ref': inRegistry, password: registry.password });
    expect(main.exitCode).toBe(1);
    expect(main.errors).toEqual([
      "Input 'username' is required when 'password' is set: pass the registry user the password belongs to.",
    ]);
    expect(main.visibleLog).not.toContain(registry.password);
  });

  test('ignore-unfixed reaches Trivy: the advisories without a fix leave report and counts', async () => {
    const { main } = await scan('unfixed', {
      'image-ref': vulnerable,
      'ignore-unfixed': 'true',
      'fail-on': 'none',
    });
    expect(main.exitCode).toBe(0);
    expect(main.outputs).toMatchObject({ critical: '2', high: '1', low: '0', total: '3', passed: 'true' });
    const report = readFileSync(main.outputs['report-path'] as string, 'utf8');
    expect(report).not.toContain('CVE-2019-1010022');
  });

  test('a .trivyignore is passed to Trivy and applied to the gate', async () => {
    const { main } = await scan(
      'ignore',
      { 'image-ref': vulnerable, 'fail-on': 'HIGH' },
      {
        workspaceFiles: {
          '.trivyignore':
            '# accepted while the fix is rolled out\nCVE-2019-10744\nCVE-2021-44906 exp:2099-01-01\nCVE-2024-21538\n',
        },
      },
    );
    expect(main.exitCode).toBe(0);
    expect(main.outputs).toMatchObject({ critical: '0', high: '0', low: '4', total: '4', passed: 'true' });
    expect(readFileSync(main.outputs['report-path'] as string, 'utf8')).not.toContain('CVE-2019-10744');
  });

  test('a scan that outlives the timeout is stopped by the action at timeout + 60 s, and leaves no report', async () => {
    // A registry that accepts connections and never answers. Trivy 0.74's own --timeout does not end a
    // pull stalled this way (found here: it waits on), so the action's deadline for the process is what
    // stops it.
    const sockets = new Set<Socket>();
    const stalled: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    const port = (stalled.address() as { port: number }).port;
    try {
      const started = Date.now();
      const { main, reports } = await scan('timeout', {
        'image-ref': `127.0.0.1:${port}/stalled/app:1`,
        timeout: '10s',
      });
      expect(main.exitCode).toBe(1);
      expect(main.errors).toEqual([
        `trivy-scan failed: '${join(binDir, 'trivy')}' did not finish within 70000 ms and was stopped`,
      ]);
      expect(Date.now() - started).toBeLessThan(120_000);
      expect(reports).toEqual([]);
      expect(main.outputs).toEqual({});
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => stalled.close(resolve));
    }
  });

  test('Trivy exiting non-zero (an image that exists nowhere) fails the step with its error, nothing half-written', async () => {
    const { main, reports } = await scan('missing', {
      'image-ref': `k8s-ship.local/trivy-scan-itg/absent:${process.pid}`,
    });
    expect(main.exitCode).toBe(1);
    expect(main.errors.join('\n')).toMatch(
      /^trivy-scan failed: '.+\/trivy image' exited with code 1: .*unable to find the specified image "k8s-ship\.local\/trivy-scan-itg\/absent:/s,
    );
    expect(reports).toEqual([]);
    expect(main.outputs).toEqual({});
  });

  test('a corrupt DB fails the step with Trivy saying so, nothing half-written', async () => {
    const cacheDir = join(root, 'corrupt', 'cache');
    trivyCacheDir(db, cacheDir);
    writeFileSync(join(cacheDir, 'db', 'trivy.db'), 'this is not a bbolt file\n'.repeat(512));
    const { main, reports } = await scan('corrupt', { 'image-ref': clean }, { cache: 'empty' });
    expect(main.exitCode).toBe(1);
    expect(main.errors.join('\n')).toMatch(
      /^trivy-scan failed: '.+\/trivy image' exited with code 1: .*failed to open db: invalid database/s,
    );
    expect(reports).toEqual([]);
    expect(main.outputs).toEqual({});
  });

  test('no DB repository answering and none cached: a clear error naming each repository', async () => {
    const { main } = await scan(
      'no-db',
      { 'image-ref': clean, 'db-repositories': '127.0.0.1:1/trivy-db:2\n127.0.0.1:2/trivy-db:2' },
      { cache: 'empty' },
    );
    expect(main.exitCode).toBe(1);
    expect(main.errors.join('\n')).toMatch(/127\.0\.0\.1:1\/trivy-db:2[\s\S]*127\.0\.0\.1:2\/trivy-db:2/);
    expect(main.outputs).toEqual({});
  });

  test('bad input fails with the input, the value and what was expected, before Trivy runs', async () => {
    const { main } = await scan('bad', { 'image-ref': '--help; rm -rf /' });
    expect(main.exitCode).toBe(1);
    expect(main.errors).toEqual([
      "Invalid input 'image-ref': '--help; rm -rf /'. Expected an image reference like registry/repo@sha256:….",
    ]);
  });
});
