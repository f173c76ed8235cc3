import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../../runner/src/paths.js';
import { formatViolation, RULES } from '../../test/workflows/rules/index.js';
import { schemaErrors } from '../../test/workflows/schema-check.js';
import { parseActionsFile } from '../../test/workflows/steps.js';
import { type ReleaseRefs, rewriteLocalUses } from './rewrite.js';

const SOURCE_SHA = '0123456789abcdef0123456789abcdef01234567';
const ACTIONS_SHA = 'fedcba9876543210fedcba9876543210fedcba98';
const tsx = join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const refs: ReleaseRefs = { repository: 'acme/k8s-ship', sha: SOURCE_SHA, version: 'v1.4.0' };
const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

/** The files a release rewrites, as release.yml rewrites them: the first two at the source commit. */
const released = {
  'action.yml': rewriteLocalUses(read('action.yml'), refs, 'action.yml'),
  '.github/workflows/preview-cleanup.yml': rewriteLocalUses(
    read('.github/workflows/preview-cleanup.yml'),
    refs,
    'preview-cleanup.yml',
  ),
  '.github/workflows/pipeline.yml': rewriteLocalUses(
    read('.github/workflows/pipeline.yml'),
    { ...refs, sha: ACTIONS_SHA },
    'pipeline.yml',
  ),
};

describe('rewriteLocalUses() on the files a release ships', () => {
  it('pins every step of the root action to this repository’s action at the source commit', () => {
    const steps = parse(released['action.yml'].text).runs.steps as { uses: string }[];
    expect(steps.map((step) => step.uses)).toEqual([
      `acme/k8s-ship/actions/branch-to-namespace@${SOURCE_SHA}`,
      `acme/k8s-ship/actions/deployment-status@${SOURCE_SHA}`,
      `acme/k8s-ship/actions/build-push@${SOURCE_SHA}`,
      `acme/k8s-ship/actions/trivy-scan@${SOURCE_SHA}`,
      `acme/k8s-ship/actions/tag-image@${SOURCE_SHA}`,
      `acme/k8s-ship/actions/ssh-set-image@${SOURCE_SHA}`,
      `acme/k8s-ship/actions/rollout-wait@${SOURCE_SHA}`,
      `acme/k8s-ship/actions/deployment-status@${SOURCE_SHA}`,
    ]);
    for (const line of released['action.yml'].rewritten) expect(line.to).toMatch(/ # v1\.4\.0$/);
  });

  it('pins the reusable pipeline’s `uses: ./` to the root action of the first release commit', () => {
    expect(released['.github/workflows/pipeline.yml'].rewritten.map((line) => line.to.trim())).toEqual([
      `uses: acme/k8s-ship@${ACTIONS_SHA} # v1.4.0`,
    ]);
  });

  it('pins the preview cleanup’s action to this repository’s at the source commit, and nothing else', () => {
    expect(released['.github/workflows/preview-cleanup.yml'].rewritten.map((line) => line.to.trim())).toEqual(
      [`uses: acme/k8s-ship/actions/preview-cleanup@${SOURCE_SHA} # v1.4.0`],
    );
  });

  it('changes nothing but the `uses:` lines', () => {
    for (const [path, result] of Object.entries(released)) {
      const before = read(path).split('\n');
      const after = result.text.split('\n');
      expect(after).toHaveLength(before.length);
      const changed = before.flatMap((line, index) => (line === after[index] ? [] : [index + 1]));
      expect(changed, path).toEqual(result.rewritten.map((line) => line.line));
      for (const line of result.rewritten) {
        expect(line.from.trim(), path).toMatch(/^(- )?uses: \.\//);
        // The indentation and the list marker stay.
        expect(line.to.slice(0, line.to.indexOf('uses:')), path).toBe(
          line.from.slice(0, line.from.indexOf('uses:')),
        );
      }
    }
    expect(parse(released['action.yml'].text).inputs).toEqual(parse(read('action.yml')).inputs);
    const workflowCall = (text: string) => parse(text).on.workflow_call;
    expect(workflowCall(released['.github/workflows/preview-cleanup.yml'].text)).toEqual(
      workflowCall(read('.github/workflows/preview-cleanup.yml')),
    );
  });

  it('leaves no local `uses:` behind, and a second rewrite changes nothing (idempotent)', () => {
    for (const [path, result] of Object.entries(released)) {
      expect(result.text, path).not.toMatch(/uses:\s*["']?\.\//);
      const again = rewriteLocalUses(result.text, { ...refs, sha: ACTIONS_SHA }, path);
      expect(again.text, path).toBe(result.text);
      expect(again.rewritten, path).toEqual([]);
    }
  });

  it('gives files that GitHub’s parser accepts and that keep every rule (pinned by SHA with a version)', async () => {
    const files = Object.entries(released).map(([path, result]) => ({
      path,
      kind: path === 'action.yml' ? ('action' as const) : ('workflow' as const),
      text: result.text,
    }));
    expect(await schemaErrors(files)).toEqual(files.map(() => []));
    const violations = files.flatMap((file) => RULES.flatMap((rule) => rule(parseActionsFile(file))));
    expect(violations.map(formatViolation)).toEqual([]);
  });
});

describe('rewriteLocalUses()', () => {
  it.each([
    ['    - uses: ./actions/x', `    - uses: acme/k8s-ship/actions/x@${SOURCE_SHA} # v1.4.0`],
    ['      uses: "./actions/x/"', `      uses: acme/k8s-ship/actions/x@${SOURCE_SHA} # v1.4.0`],
    ["  - uses: './' # this repository", `  - uses: acme/k8s-ship@${SOURCE_SHA} # v1.4.0`],
    ['    uses: .', `    uses: acme/k8s-ship@${SOURCE_SHA} # v1.4.0`],
    [
      '    uses: ./.github/workflows/pipeline.yml',
      `    uses: acme/k8s-ship/.github/workflows/pipeline.yml@${SOURCE_SHA} # v1.4.0`,
    ],
  ])('%s', (line, expected) => {
    expect(rewriteLocalUses(`a: 1\n${line}\nb: 2\n`, refs).text).toBe(`a: 1\n${expected}\nb: 2\n`);
  });

  it.each([
    [`- uses: actions/checkout@${SOURCE_SHA} # v5.0.0`],
    ['- run: echo "uses: ./x is only text here"'],
    ['- uses: docker://alpine@sha256:abc'],
  ])('leaves %s alone', (line) => {
    expect(rewriteLocalUses(line, refs)).toEqual({ text: line, rewritten: [] });
  });

  it.each([
    ['- { uses: ./actions/x }', "input:1: cannot rewrite this local uses: '- { uses: ./actions/x }'"],
    ['- uses: ./../other/action', "input:1: cannot pin './../other/action': not a plain path"],
    ['- uses: ./actions/$x', "input:1: cannot pin './actions/$x'"],
  ])('refuses %s', (line, message) => {
    expect(() => rewriteLocalUses(line, refs)).toThrow(message);
  });

  it.each([
    [{ repository: 'acme' }, "repository 'acme' is not owner/name"],
    [{ repository: 'acme/x y' }, 'is not owner/name'],
    [{ sha: 'abc123' }, "sha 'abc123' is not a full 40-digit commit SHA"],
    [{ version: 'v1.2' }, "version 'v1.2' is not a semver version"],
    [{ version: '1.2.3' }, 'is not a semver version'],
    [{ version: 'v1.2.3\n# x' }, 'is not a semver version'],
  ])('refuses %j', (override, message) => {
    expect(() => rewriteLocalUses('- uses: ./x', { ...refs, ...override })).toThrow(message);
  });
});

describe('scripts/release-refs.ts (the command release.yml runs)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'release-refs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cli = (args: string[]) =>
    promisify(execFile)(process.execPath, [tsx, join(repoRoot, 'scripts', 'release-refs.ts'), ...args], {
      cwd: dir,
      encoding: 'utf8',
    }).then(
      (result) => ({ code: 0, ...result }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
  const args = ['--repository', 'acme/k8s-ship', '--sha', SOURCE_SHA, '--version', 'v1.4.0'];

  it('rewrites the files in place and prints each pinned line (the first release commit’s files)', async () => {
    const cleanup = '.github/workflows/preview-cleanup.yml';
    mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
    writeFileSync(join(dir, 'action.yml'), read('action.yml'));
    writeFileSync(join(dir, cleanup), read(cleanup));
    const result = await cli([...args, 'action.yml', cleanup]);
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(join(dir, 'action.yml'), 'utf8')).toBe(released['action.yml'].text);
    expect(readFileSync(join(dir, cleanup), 'utf8')).toBe(released[cleanup].text);
    const printed = result.stdout.trim().split('\n');
    expect(printed.filter((line) => line.startsWith('action.yml:'))).toHaveLength(8);
    expect(printed.filter((line) => line.startsWith(`${cleanup}:`))).toHaveLength(1);
  });

  it('exits 1 and leaves every file as it was when one cannot be rewritten', async () => {
    writeFileSync(join(dir, 'a.yml'), '- uses: ./actions/a\n');
    writeFileSync(join(dir, 'b.yml'), '- { uses: ./actions/b }\n');
    const result = await cli([...args, 'a.yml', 'b.yml']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('b.yml:1: cannot rewrite this local uses');
    expect(readFileSync(join(dir, 'a.yml'), 'utf8')).toBe('- uses: ./actions/a\n');
  });

  it('exits 2 on wrong arguments', async () => {
    const result = await cli([
      '--repository',
      'acme/k8s-ship',
      '--sha',
      'nope',
      '--version',
      'v1.4.0',
      'x.yml',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("sha 'nope' is not a full 40-digit commit SHA");
    expect((await cli(args)).code).toBe(2);
  });
});
