import { describe, expect, it } from 'vitest';
import { checkPinnedUses } from './rules/pinned-uses.js';
import { stepSnippet, workflowSnippet } from './snippets.js';
import { parseActionsFile } from './steps.js';

const SHA = '08c6903cd8c0fde910a37f88322edcfb5dd907a8';

describe('checkPinnedUses()', () => {
  it.each([
    ['actions/checkout@v5', 'full 40-character commit SHA'],
    ['actions/checkout@main', 'full 40-character commit SHA'],
    [`actions/checkout@${SHA.slice(0, 12)}`, 'full 40-character commit SHA'],
    [`actions/checkout@${SHA}`, "trailing '# vX.Y.Z' comment"],
    ['docker://alpine:3.20', 'by digest'],
  ])('rejects uses: %s', (uses, reason) => {
    const violations = checkPinnedUses(stepSnippet(`uses: ${uses}`));
    expect(violations).toHaveLength(1);
    expect(violations[0]?.message).toContain(reason);
    expect(violations[0]?.where).toBe('jobs.job.steps[0].uses');
  });

  it.each([
    `actions/checkout@${SHA} # v5.0.0`,
    `github/codeql-action/upload-sarif@${SHA} # v3.28.1`,
    './actions/branch-to-namespace',
    `docker://alpine@sha256:${'a'.repeat(64)}`,
  ])('accepts uses: %s', (uses) => {
    expect(checkPinnedUses(stepSnippet(`uses: ${uses}`))).toEqual([]);
  });

  it('checks reusable workflows called by a job', () => {
    const parsed = parseActionsFile(
      workflowSnippet('  call:\n    uses: acme/pipelines/.github/workflows/ship.yml@v1\n'),
    );
    expect(checkPinnedUses(parsed)).toMatchObject([{ where: 'jobs.call.uses', line: 6 }]);
  });
});
