import { describe, expect, it } from 'vitest';
import { schemaErrors } from './schema-check.js';

const validWorkflow = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: "true"\n';
const validAction =
  'name: a\ndescription: a\nruns:\n  using: composite\n  steps:\n    - run: "true"\n      shell: bash\n';

const badWorkflows = [
  ['a job without runs-on', 'on: push\njobs:\n  a:\n    steps:\n      - run: "true"\n'],
  ['an unknown key', 'on: push\njobs:\n  a:\n    runs-on: x\n    stepz: []\n'],
  [
    'a broken expression',
    `on: push\njobs:\n  a:\n    runs-on: x\n    if: \${{ github.ref == }}\n    steps:\n      - run: "true"\n`,
  ],
  [
    'a step with both uses and run',
    'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: ./a\n        run: "true"\n',
  ],
] as const;

describe('schemaErrors() (GitHub’s workflow parser)', () => {
  it('accepts valid files and rejects each broken one', async () => {
    const errors = await schemaErrors([
      { path: 'w.yml', kind: 'workflow', text: validWorkflow },
      { path: 'action.yml', kind: 'action', text: validAction },
      ...badWorkflows.map(([, text]) => ({ path: 'w.yml', kind: 'workflow' as const, text })),
      { path: 'action.yml', kind: 'action', text: 'name: a\ndescription: a\n' },
    ]);
    expect(errors.slice(0, 2)).toEqual([[], []]);
    const rejected = errors.slice(2).map((messages) => messages.length > 0);
    expect(rejected).toEqual([true, true, true, true, true]);
  });
});
