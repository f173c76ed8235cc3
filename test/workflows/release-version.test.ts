import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runScriptStep } from '../../runner/src/composite-run-step.js';
import { repoRoot } from '../../runner/src/paths.js';

// release.yml's version and branch check, run with bash as the runner runs it, for a few versions.
const release = parse(readFileSync(join(repoRoot, '.github', 'workflows', 'release.yml'), 'utf8'));
const versionStep = release.jobs.release.steps.find((step: { id?: string }) => step.id === 'version') as {
  run: string;
  env: Record<string, string>;
};
const scratch = mkdtempSync(join(tmpdir(), 'release-version-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let runs = 0;
function checkTag(tag: string, branch = 'main') {
  // The step reads the version and branches from env, never from an interpolated expression.
  expect(versionStep.env).toEqual({
    VERSION: `\${{ inputs.version }}`,
    BRANCH: `\${{ github.ref_name }}`,
    DEFAULT_BRANCH: `\${{ github.event.repository.default_branch }}`,
  });
  return runScriptStep({
    script: versionStep.run,
    shell: 'bash',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', VERSION: tag, BRANCH: branch, DEFAULT_BRANCH: 'main' },
    cwd: scratch,
    stepDir: join(scratch, `step-${runs++}`),
    timeoutMs: 10_000,
  });
}

describe('release.yml version check', () => {
  it.each([
    ['v1.2.3', 'v1', 'false'],
    ['v10.0.0', 'v10', 'false'],
    ['v2.0.0-rc.1', 'v2', 'true'],
  ])('%s moves %s (pre-release: %s)', async (tag, major, prerelease) => {
    const step = await checkTag(tag);
    expect(step.exitCode).toBe(0);
    expect(step.outputs).toEqual({ major, prerelease });
  });

  it.each(['v1.2', 'v01.2.3', '1.2.3', 'v1.2.3;rm -rf ~', 'v1.2.3-'])('refuses the tag %s', async (tag) => {
    const step = await checkTag(tag);
    expect(step.exitCode).toBe(1);
    expect(step.errors[0]).toContain('is not a semver version');
    expect(step.outputs).toEqual({});
  });

  it('refuses a release from another branch than the default one', async () => {
    const step = await checkTag('v1.2.3', 'feature/x');
    expect(step.exitCode).toBe(1);
    expect(step.errors).toEqual(["Releases are made from main, not 'feature/x'"]);
  });
});
