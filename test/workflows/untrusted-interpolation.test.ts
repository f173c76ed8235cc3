import { describe, expect, it } from 'vitest';
import { checkUntrustedInterpolation, contextReferences } from './rules/untrusted-interpolation.js';
import { actionSnippet, stepSnippet } from './snippets.js';

describe('contextReferences()', () => {
  it.each([
    ['github.head_ref', ['github.head_ref']],
    ["format('{0}-{1}', github.ref_name, inputs.tag)", ['github.ref_name', 'inputs.tag']],
    ["github.event['pull_request'].title", ['github.event.pull_request.title']],
    ['toJSON(github.event.commits.*.message)', ['github.event.commits.*.message']],
    ["steps.target.outputs.namespace == 'x' && runner.os", ['steps.target.outputs.namespace', 'runner.os']],
    ['github.event.issue[matrix.key]', ['github.event.issue.*', 'matrix.key']],
    ["'github.head_ref is only text'", []],
  ])('%s reads %j', (expression, expected) => {
    expect(contextReferences(expression)).toEqual(expected);
  });
});

describe('checkUntrustedInterpolation()', () => {
  it.each([
    'github.head_ref',
    'github.ref_name',
    'github.ref',
    'github.event.pull_request.title',
    'github.event.pull_request.body',
    'github.event.issue.title',
    'github.event.comment.body',
    'github.event.head_commit.message',
    'github.event.head_commit.author.email',
    'github.event.head_commit.author.name',
    'github.event.pull_request.head.ref',
    'github.event.pull_request.head.label',
    'github.event.inputs.environment',
    'inputs.environment',
    'steps.target.outputs.namespace',
    'needs.plan.outputs.environment',
    'env.BRANCH',
    'secrets.SSH_KEY',
    "format('deploy {0}', github.head_ref)",
    'toJSON(github)',
  ])(`rejects \${{ %s }} in a run: script`, (expression) => {
    const parsed = stepSnippet(`run: echo "\${{ ${expression} }}"`);
    const violations = checkUntrustedInterpolation(parsed);
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ file: 'snippet.yml', line: 8, where: 'jobs.job.steps[0].run' });
    expect(violations[0]?.message).toContain('pass it through env:');
  });

  it('accepts the same value passed through env: and read as "$VAR"', () => {
    const parsed = stepSnippet(`name: greet
env:
  TITLE: \${{ github.event.pull_request.title }}
  BRANCH: \${{ github.head_ref }}
run: echo "$TITLE on $BRANCH"`);
    expect(checkUntrustedInterpolation(parsed)).toEqual([]);
  });

  it.each(['github.sha', 'github.run_id', 'runner.temp', 'github.workspace', 'strategy.job-index'])(
    `accepts \${{ %s }}, which no user controls`,
    (expression) => {
      expect(checkUntrustedInterpolation(stepSnippet(`run: echo "\${{ ${expression} }}"`))).toEqual([]);
    },
  );

  it('checks the steps of composite actions, where inputs are the classic injection', () => {
    const parsed = actionSnippet(
      `    - shell: bash\n      run: kubectl -n \${{ inputs.namespace }} get pods\n`,
    );
    expect(checkUntrustedInterpolation(parsed)).toMatchObject([{ where: 'runs.steps[0].run', line: 7 }]);
  });

  it('checks actions/github-script code too', () => {
    const parsed = stepSnippet(
      `uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1\nwith:\n  script: console.log("\${{ github.event.issue.title }}")`,
    );
    expect(checkUntrustedInterpolation(parsed)).toMatchObject([{ where: 'jobs.job.steps[0].with.script' }]);
  });
});
