import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { githubContext, runnerContext } from '../../runner/src/composite-context.js';
import { evaluateTemplate } from '../../runner/src/composite-expressions.js';
import { pushEvent, type RunnerEvent, workflowDispatchEvent } from '../../runner/src/events.js';
import { repoRoot } from '../../runner/src/paths.js';
import { runBundledAction } from '../../runner/src/run-bundle.js';

// deploy.yml's plan step, run for real: its `with:` evaluated as GitHub would for the event, then the
// branch-to-namespace bundle through the runner-contract harness.
const deploy = parse(readFileSync(join(repoRoot, '.github', 'workflows', 'deploy.yml'), 'utf8'));
const planStep = deploy.jobs.plan.steps.find((step: { id?: string }) => step.id === 'target') as {
  uses: string;
  with: Record<string, string | boolean>;
};

async function plan(event: RunnerEvent) {
  const contexts = {
    github: githubContext(event, { workspace: repoRoot, actionPath: repoRoot }),
    inputs: (event.payload.inputs as Record<string, string> | undefined) ?? {},
    steps: {},
    env: {},
    runner: runnerContext('/tmp'),
  };
  const inputs = Object.fromEntries(
    Object.entries(planStep.with).map(([name, value]) => [name, evaluateTemplate(String(value), contexts)]),
  );
  const run = await runBundledAction({
    actionDir: join(repoRoot, planStep.uses),
    node: 'local',
    inputs,
    event,
  });
  return run.main;
}

describe('deploy.yml plan step (branch-to-namespace)', () => {
  it.each([
    ['main', 'prod', 'prod'],
    ['stage', 'stage', 'stage'],
    ['dev', 'dev', 'dev'],
    ['feature/checkout-v2', 'preview', 'preview-feature-checkout-v2'],
  ])('a push to %s deploys to %s in namespace %s', async (branch, environment, namespace) => {
    const step = await plan(pushEvent(branch));
    expect(step.exitCode).toBe(0);
    expect(step.outputs).toMatchObject({ environment, namespace });
  });

  it('a manual run with environment stage deploys to stage', async () => {
    const step = await plan(workflowDispatchEvent('main', { environment: 'stage' }));
    expect(step.exitCode).toBe(0);
    expect(step.outputs).toMatchObject({ environment: 'stage', namespace: 'stage' });
  });

  it('refuses a manual prod deploy from a feature branch', async () => {
    const step = await plan(workflowDispatchEvent('feature/sneaky', { environment: 'prod' }));
    expect(step.exitCode).toBe(1);
    expect(step.errors.join('\n')).toMatch(/prod/);
  });
});
