import { describe, expect, it } from 'vitest';
import { formatViolation, RULES } from './rules/index.js';
import { schemaErrors } from './schema-check.js';
import { parseActionsFile } from './steps.js';
import { repositoryActionsFiles } from './workflow-files.js';

const files = repositoryActionsFiles();

describe('the repository’s workflows and action files', () => {
  it('include the workflows, the root action and every action', () => {
    const paths = files.map((file) => file.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '.github/workflows/ci.yml',
        '.github/workflows/pipeline.yml',
        '.github/workflows/deploy.yml',
        '.github/workflows/release.yml',
        '.github/workflows/preview-cleanup.yml',
        'action.yml',
        'actions/branch-to-namespace/action.yml',
        'actions/build-push/action.yml',
        'actions/trivy-scan/action.yml',
        'actions/preview-cleanup/action.yml',
      ]),
    );
  });

  it('parse with GitHub’s workflow parser without errors', async () => {
    const errors = await schemaErrors(files);
    const problems = files.flatMap((file, index) =>
      (errors[index] ?? []).map((message) => `${file.path}: ${message}`),
    );
    expect(problems).toEqual([]);
  });

  it(`break none of the rules: no untrusted \${{ }} in scripts, pinned actions, declared permissions`, () => {
    const violations = files.flatMap((file) => RULES.flatMap((rule) => rule(parseActionsFile(file))));
    expect(violations.map(formatViolation)).toEqual([]);
  });
});
