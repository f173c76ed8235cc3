import { describe, expect, it } from 'vitest';
import {
  type ExpressionContexts,
  evaluateCondition,
  evaluateTemplate,
} from '../src/composite-expressions.js';

const contexts: ExpressionContexts = {
  github: { ref_name: 'feature/x', event_name: 'push', event: { head_commit: { message: 'fix it' } } },
  inputs: { prefix: 'shop-', flag: 'true', empty: '' },
  steps: { target: { outputs: { namespace: 'dev' }, outcome: 'success', conclusion: 'success' } },
  env: { REGION: 'eu-west-1' },
  runner: { os: 'Linux' },
};

describe('evaluateTemplate()', () => {
  it.each([
    ['plain text', 'plain text'],
    [`\${{ inputs.prefix }}\${{ steps.target.outputs.namespace }}`, 'shop-dev'],
    [`\${{ format('{0}/{1}', env.REGION, runner.os) }}`, 'eu-west-1/Linux'],
    [`\${{ contains(github.ref_name, 'feature/') }}`, 'true'],
    [`\${{ inputs.empty || inputs.prefix }}`, 'shop-'],
    [`\${{ inputs.missing }}`, ''],
    [`\${{ github.event.head_commit.message }}`, 'fix it'],
    [`\${{ toJSON(steps.target.outputs) }}`, '{\n  "namespace": "dev"\n}'],
  ])('%s → %s', (template, expected) => {
    expect(evaluateTemplate(template, contexts)).toBe(expected);
  });

  it('names the expression it cannot evaluate', () => {
    expect(() => evaluateTemplate(`\${{ inputs.prefix == }}`, contexts)).toThrow(
      "cannot evaluate expression 'inputs.prefix =='",
    );
  });
});

describe('evaluateCondition()', () => {
  it.each([
    [undefined, 'success', true],
    [undefined, 'failure', false],
    ["inputs.flag == 'true'", 'success', true],
    // Without a status function a condition means success() && (condition).
    ["inputs.flag == 'true'", 'failure', false],
    [`\${{ inputs.flag == 'true' }}`, 'success', true],
    ['failure()', 'success', false],
    ['failure()', 'failure', true],
    [`\${{ always() }}`, 'failure', true],
    ["always() && inputs.flag == 'false'", 'failure', false],
    ["success() || steps.target.outputs.namespace == 'dev'", 'failure', true],
  ] as const)('%s when the job is %s → %s', (condition, status, expected) => {
    expect(evaluateCondition(condition, contexts, status)).toBe(expected);
  });
});
