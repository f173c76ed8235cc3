import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../../runner/src/paths.js';

// Where pipeline.yml's job deploys: its `env:` evaluated as GitHub would, for a caller's inputs and the
// variables of the GitHub environment the job runs in; then its check step, run by bash on those values.
// Each environment is its own stack (infra/), so none of this may come from one repository-wide value.
const pipeline = parse(readFileSync(join(repoRoot, '.github', 'workflows', 'pipeline.yml'), 'utf8'));
const ship = pipeline.jobs.ship as {
  env: Record<string, string>;
  steps: { name?: string; id?: string; uses?: string; run?: string; env?: Record<string, string> }[];
};
const declaredInputs = pipeline.on.workflow_call.inputs as Record<string, { default?: string }>;

interface Contexts {
  inputs: Record<string, string>;
  vars: Record<string, string>;
  secrets: Record<string, string>;
}

function evaluate(text: string, contexts: Contexts): string {
  return text.replace(/\$\{\{(.*?)\}\}/gs, (_whole, expression: string) => {
    const tokens = new Lexer(expression.trim()).lex().tokens;
    const tree = new Parser(tokens, Object.keys(contexts), []).parse();
    const values = JSON.parse(JSON.stringify(contexts), data.reviver) as data.Dictionary;
    return new Evaluator(tree, values, new Map()).evaluate().coerceString();
  });
}

/** The job's settings for a call: the inputs given, the others at their declared defaults, as GitHub does. */
function settings(given: Record<string, string>, vars: Record<string, string>): Record<string, string> {
  const defaults = Object.fromEntries(
    Object.entries(declaredInputs).map(([name, spec]) => [name, String(spec.default ?? '')]),
  );
  const contexts = { inputs: { ...defaults, ...given }, vars, secrets: {} };
  return Object.fromEntries(
    Object.entries(ship.env).map(([name, value]) => [name, evaluate(value, contexts)]),
  );
}

const DEV_VARS = {
  AWS_REGION: 'eu-central-1',
  AWS_DEPLOY_ROLE_ARN: 'arn:aws:iam::123456789012:role/k8s-ship-dev-deploy',
  CONTROL_PLANE_HOST: '203.0.113.10',
  DEPLOY_SSH_USER: 'deployer',
  CONTROL_PLANE_HOST_KEY: '203.0.113.10 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDev',
};

const checkStep = ship.steps.find((step) => step.name === "Check the environment's settings");

function runCheck(env: Record<string, string>, hasDeployKey: boolean) {
  const stepEnv = evaluate(checkStep?.env?.HAS_DEPLOY_KEY ?? '', {
    inputs: {},
    vars: {},
    secrets: { DEPLOY_SSH_PRIVATE_KEY: hasDeployKey ? '-----BEGIN OPENSSH PRIVATE KEY-----' : '' },
  });
  // As GitHub's runner runs a `run:` with bash.
  return spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', checkStep?.run ?? 'exit 99'], {
    env: { PATH: process.env.PATH, ...env, HAS_DEPLOY_KEY: stepEnv },
    encoding: 'utf8',
  });
}

describe('pipeline.yml: where the job deploys', () => {
  it('without inputs, takes every setting from the variables of the job’s GitHub environment', () => {
    expect(settings({}, DEV_VARS)).toEqual({
      TARGET_AWS_REGION: DEV_VARS.AWS_REGION,
      TARGET_AWS_ROLE_ARN: DEV_VARS.AWS_DEPLOY_ROLE_ARN,
      TARGET_SSH_HOST: DEV_VARS.CONTROL_PLANE_HOST,
      TARGET_SSH_USER: DEV_VARS.DEPLOY_SSH_USER,
      TARGET_SSH_HOST_KEY: DEV_VARS.CONTROL_PLANE_HOST_KEY,
      TARGET_STRATEGY: 'rolling',
      TARGET_PROMETHEUS_ADDRESS: '',
    });
  });

  it('deploys rolling unless the caller or the environment asks for canary or blue-green', () => {
    const canaryVars = { ...DEV_VARS, DEPLOY_STRATEGY: 'canary', PROMETHEUS_ADDRESS: '127.0.0.1:30090' };
    expect(settings({}, canaryVars)).toMatchObject({
      TARGET_STRATEGY: 'canary',
      TARGET_PROMETHEUS_ADDRESS: '127.0.0.1:30090',
    });
    expect(settings({ strategy: 'blue-green' }, canaryVars).TARGET_STRATEGY).toBe('blue-green');
    expect(settings({}, DEV_VARS).TARGET_STRATEGY).toBe('rolling');
  });

  it('lets a caller’s input override the environment’s variable, one setting at a time', () => {
    const given = { 'ssh-host': 'cp.dev.example.com', 'aws-region': 'eu-west-1' };
    expect(settings(given, DEV_VARS)).toMatchObject({
      TARGET_SSH_HOST: 'cp.dev.example.com',
      TARGET_AWS_REGION: 'eu-west-1',
      TARGET_SSH_HOST_KEY: DEV_VARS.CONTROL_PLANE_HOST_KEY,
    });
  });

  it('logs in as the deploy user ansible/ creates when nothing names another', () => {
    const { DEPLOY_SSH_USER: _, ...withoutUser } = DEV_VARS;
    expect(settings({}, withoutUser).TARGET_SSH_USER).toBe('k8s-ship-deploy');
  });

  it('hands the settings to the AWS and ship steps only through the job’s env', () => {
    const aws = ship.steps.find((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    const run = ship.steps.find((step) => step.id === 'ship') as { with: Record<string, string> };
    expect((aws as { with: Record<string, string> }).with).toMatchObject({
      'role-to-assume': `\${{ env.TARGET_AWS_ROLE_ARN }}`,
      'aws-region': `\${{ env.TARGET_AWS_REGION }}`,
    });
    expect(run.with).toMatchObject({
      'aws-region': `\${{ env.TARGET_AWS_REGION }}`,
      host: `\${{ env.TARGET_SSH_HOST }}`,
      user: `\${{ env.TARGET_SSH_USER }}`,
      'host-key': `\${{ env.TARGET_SSH_HOST_KEY }}`,
      'private-key': `\${{ secrets.DEPLOY_SSH_PRIVATE_KEY }}`,
    });
  });
});

describe('pipeline.yml: the check before anything is built', () => {
  it('runs first', () => {
    expect(ship.steps[0]).toBe(checkStep);
  });

  it('passes when the environment has every setting and the deploy key', () => {
    const result = runCheck(settings({}, DEV_VARS), true);
    expect([result.status, result.stdout, result.stderr]).toEqual([0, '', '']);
  });

  it('names each missing setting: the input, the variable to set, and the key', () => {
    const result = runCheck(settings({ 'ssh-host': '203.0.113.10' }, {}), false);
    expect(result.status).toBe(1);
    expect(result.stdout.trim().split('\n')).toEqual([
      "::error::Input 'aws-region' is empty and so is the variable AWS_REGION: set AWS_REGION in this job's GitHub environment (or the repository), or pass aws-region",
      "::error::Input 'aws-role-arn' is empty and so is the variable AWS_DEPLOY_ROLE_ARN: set AWS_DEPLOY_ROLE_ARN in this job's GitHub environment (or the repository), or pass aws-role-arn",
      "::error::Input 'ssh-host-key' is empty and so is the variable CONTROL_PLANE_HOST_KEY: set CONTROL_PLANE_HOST_KEY in this job's GitHub environment (or the repository), or pass ssh-host-key",
      "::error::The secret DEPLOY_SSH_PRIVATE_KEY is empty: set it in this job's GitHub environment (or the repository), and have the caller pass it by name (secrets: DEPLOY_SSH_PRIVATE_KEY)",
    ]);
  });
});
