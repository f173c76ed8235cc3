import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../runner/src/paths.js';
import { exampleProblems, exampleUses, interfaceOf, ourTarget } from './doc-examples.js';

const ACTIONS = [
  'branch-to-namespace',
  'build-push',
  'trivy-scan',
  'ssh-set-image',
  'rollout-wait',
  'deployment-status',
];

const documents = [
  'README.md',
  ...readdirSync(join(repoRoot, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
  ...ACTIONS.map((name) => `actions/${name}/README.md`),
];
const uses = documents.flatMap((doc) => exampleUses(doc, readFileSync(join(repoRoot, doc), 'utf8')));

describe('the YAML examples in the docs', () => {
  it('pass only inputs and secrets the referenced action or workflow declares, and every required one', () => {
    expect(uses.flatMap((use) => exampleProblems(use, interfaceOf(repoRoot, use.target)))).toEqual([]);
  });

  it('show every action, the whole pipeline and the reusable workflows in the README', () => {
    const inReadme = new Set(uses.filter((use) => use.doc === 'README.md').map((use) => use.target));
    expect([...inReadme].sort()).toEqual(
      expect.arrayContaining([
        '',
        '.github/workflows/pipeline.yml',
        '.github/workflows/preview-cleanup.yml',
        ...ACTIONS.map((name) => `actions/${name}`),
      ]),
    );
  });
});

describe('the example checker', () => {
  const check = (yaml: string) =>
    exampleUses('doc.md', `text\n\n\`\`\`yaml\n${yaml}\`\`\`\n`).flatMap((use) =>
      exampleProblems(use, interfaceOf(repoRoot, use.target)),
    );

  it('names this repository’s actions by placeholder or local path, and leaves others alone', () => {
    expect(ourTarget('OWNER/k8s-ship@v1')).toBe('');
    expect(ourTarget('OWNER/k8s-ship/actions/build-push@v1')).toBe('actions/build-push');
    expect(ourTarget('OWNER/REPO/.github/workflows/pipeline.yml@v1')).toBe('.github/workflows/pipeline.yml');
    expect(ourTarget('./actions/rollout-wait')).toBe('actions/rollout-wait');
    expect(ourTarget('./')).toBe('');
    expect(ourTarget('actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8')).toBeUndefined();
  });

  it('reports an input the action does not declare, and a required one left out', () => {
    expect(check('- uses: OWNER/k8s-ship/actions/trivy-scan@v1\n  with:\n    image: x\n')).toEqual([
      expect.stringContaining('with.image is not an input'),
      expect.stringContaining('the required input image-ref is missing'),
    ]);
  });

  it('excuses missing required inputs only where the example elides them', () => {
    expect(check('- uses: OWNER/k8s-ship/actions/rollout-wait@v1\n  with: { ... }\n')).toEqual([]);
  });

  it('checks a reusable workflow’s inputs and secrets', () => {
    const problems = check(
      'jobs:\n  ship:\n    uses: OWNER/REPO/.github/workflows/pipeline.yml@v1\n    with: { environment: dev }\n    secrets: { ssh-key: x }\n',
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('the required input image-repository is missing'),
        expect.stringContaining('secrets.ssh-key is not a secret of the workflow'),
        expect.stringContaining('the required secret DEPLOY_SSH_PRIVATE_KEY is missing'),
      ]),
    );
  });

  it('fails on a YAML block that does not parse', () => {
    expect(() => check('- uses: [unclosed\n')).toThrow(/YAML block 1 does not parse/);
  });
});
