import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runBundledAction, type StepRun } from '../../../test/harness/run-bundle.js';
import { fixturesDir } from './fixtures.js';

const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const digest = `sha256:${'a'.repeat(64)}`;

/**
 * The real trivy-scan bundle, run as the runner runs it, with the stand-in `trivy` (test/fixtures/
 * fake-trivy.mjs, answering with real Trivy reports) first on PATH.
 */
describe('the trivy-scan bundle with the stand-in trivy', () => {
  let root: string;
  let binDir: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'trivy-scan-bundle-'));
    binDir = join(root, 'bin');
    mkdirSync(binDir);
    symlinkSync(join(fixturesDir, 'fake-trivy.mjs'), join(binDir, 'trivy'));
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  async function scan(
    name: string,
    inputs: Record<string, string>,
    workspaceFiles: Record<string, string> = {},
  ) {
    const workspace = join(root, name, 'workspace');
    mkdirSync(workspace, { recursive: true });
    for (const [file, text] of Object.entries(workspaceFiles)) writeFileSync(join(workspace, file), text);
    const argvLog = join(root, name, 'argv.log');
    writeFileSync(argvLog, '');
    const run = await runBundledAction({
      actionDir,
      node: 'node24',
      workspace,
      inputs: {
        'trivy-source': 'path',
        'cache-dir': join(root, name, 'cache'),
        'report-dir': join(root, name, 'reports'),
        ...inputs,
      },
      env: { PATH: `${binDir}:${process.env.PATH}`, FAKE_TRIVY_ARGV_LOG: argvLog },
    });
    const calls = readFileSync(argvLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as string[]);
    return { main: run.main, calls };
  }

  test('a CRITICAL finding fails the gate: counts, reports, SARIF and the summary table are all there', async () => {
    const { main } = await scan('critical', { 'image-ref': `registry.test/debian-buster@${digest}` });
    expect(main.exitCode).toBe(1);
    expect(main.errors.join('\n')).toMatch(
      /1 vulnerability at or above HIGH in registry\.test\/debian-buster@/,
    );
    expect(main.outputs).toMatchObject({
      critical: '1',
      high: '0',
      medium: '0',
      low: '1',
      unknown: '0',
      total: '2',
      passed: 'false',
    });
    const sarif = JSON.parse(readFileSync(main.outputs['sarif-path'] as string, 'utf8'));
    expect(sarif.runs[0].results).toHaveLength(2); // full SARIF: the LOW finding too
    expect(JSON.parse(readFileSync(main.outputs['report-path'] as string, 'utf8')).SchemaVersion).toBe(2);
    expect(main.summary).toContain(
      '>CVE-2019-18224</a></td><td>libidn2-0</td><td>2.0.5-1</td><td>2.0.5-1+deb10u1</td><td>CRITICAL</td>',
    );
    expect(main.summary).not.toContain('CVE-2019-18276');
  });

  test('ignore-unfixed reaches trivy and the counts; a report under fail-on passes', async () => {
    const { main, calls } = await scan('unfixed', {
      'image-ref': `registry.test/debian-buster@${digest}`,
      'ignore-unfixed': 'true',
      'fail-on': 'none',
    });
    expect(main.exitCode).toBe(0);
    expect(calls.find((c) => c[0] === 'image' && !c.includes('--download-db-only'))).toContain(
      '--ignore-unfixed',
    );
    expect(main.outputs).toMatchObject({ critical: '1', low: '0', total: '1', passed: 'true' });
  });

  test('.trivyignore is passed to trivy and applied to the gate', async () => {
    const { main, calls } = await scan(
      'ignore',
      { 'image-ref': `registry.test/alpine-310@${digest}`, 'fail-on': 'MEDIUM' },
      {
        '.trivyignore':
          '# accepted until the base image moves\nCVE-2019-1549\nCVE-2019-1551 exp:2099-01-01\n',
      },
    );
    expect(main.exitCode).toBe(0);
    expect(calls.find((c) => c[0] === 'image' && !c.includes('--download-db-only'))).toEqual(
      expect.arrayContaining(['--ignorefile', '.trivyignore']),
    );
    expect(main.outputs).toMatchObject({ medium: '0', total: '0', passed: 'true' });
    // The SARIF is Trivy's own for this report, untouched.
    expect(readFileSync(main.outputs['sarif-path'] as string, 'utf8')).toBe(
      readFileSync(join(fixturesDir, 'alpine-310.sarif'), 'utf8'),
    );
  });

  test('an unreachable DB repository falls back to the next; the cache key comes from the DB metadata', async () => {
    const { main, calls } = await scan('mirrors', {
      'image-ref': `registry.test/npm@${digest}`,
      'db-repositories': 'unreachable.test/trivy-db:2\nmirror.test/trivy-db:2',
      'fail-on': 'HIGH',
    });
    expect(main.exitCode).toBe(0);
    const dbCalls = calls
      .filter((c) => c.includes('--download-db-only'))
      .map((c) => c[c.indexOf('--db-repository') + 1]);
    expect(dbCalls).toEqual(['unreachable.test/trivy-db:2', 'mirror.test/trivy-db:2']);
    expect(main.warnings.join('\n')).toContain('unreachable.test/trivy-db:2');
    expect(main.outputs['db-cache-key']).toBe('trivy-db-v2-20251120T061407123Z');
  });

  test('bad input fails with the input, the value and what was expected', async () => {
    const { main, calls } = await scan('bad', { 'image-ref': '--help; rm -rf /' });
    expect(main.exitCode).toBe(1);
    expect(main.errors).toEqual([
      "Invalid input 'image-ref': '--help; rm -rf /'. Expected an image reference like registry/repo@sha256:….",
    ]);
    expect(calls).toEqual([]);
  });

  test.each(['alpine-39', 'distroless-base'])(
    'the %s report gives outputs that agree with its summary',
    async (image) => {
      const { main } = await scan(`agree-${image}`, {
        'image-ref': `registry.test/${image}@${digest}`,
        'fail-on': 'NONE',
      });
      const step = main as StepRun;
      const counts = ['critical', 'high', 'medium', 'low', 'unknown'].map((k) => Number(step.outputs[k]));
      expect(counts.reduce((a, b) => a + b, 0)).toBe(Number(step.outputs.total));
      expect(step.summary).toContain(`total: ${step.outputs.total}`);
    },
  );
});
