import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import { truthy } from '@actions/expressions/result';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readActionMetadata } from '../../actions/lib/src/metadata.js';
import { githubContext } from '../../runner/src/composite-context.js';
import {
  closedPullRequestEvent,
  deleteEvent,
  pullRequestEvent,
  pushEvent,
  type RunnerEvent,
  workflowDispatchEvent,
} from '../../runner/src/events.js';
import { repoRoot } from '../../runner/src/paths.js';

// The preview cleanup as a reusable workflow (preview-cleanup.yml) and as this repository's deploy.yml
// calls it: which events run it and which skip the deploy, what its token may do, and that its action
// step gets only inputs actions/preview-cleanup declares. Conditions and values are evaluated with
// GitHub's expression library for events made by the runner emulator.

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Job {
  if?: string;
  needs?: string | string[];
  uses?: string;
  permissions?: Record<string, string>;
  environment?: { name: string; deployment?: boolean };
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  env?: Record<string, string>;
  with?: Record<string, string>;
  secrets?: Record<string, string>;
  steps?: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}
interface CallSpec {
  inputs: Record<string, { type: string; default?: string; required?: boolean }>;
  secrets: Record<string, { required?: boolean }>;
}

const workflow = (name: string): Workflow =>
  parse(readFileSync(join(repoRoot, '.github', 'workflows', name), 'utf8')) as Workflow;
const deploy = workflow('deploy.yml');
const cleanup = workflow('preview-cleanup.yml');
const call = (cleanup.on as { workflow_call: CallSpec }).workflow_call;
const job = cleanup.jobs['end-preview'] as Job;
const steps = job.steps ?? [];
const cleanupStep = steps.find((step) => step.id === 'cleanup') as Step & { with: Record<string, string> };
const checkStep = steps.find((step) => step.name === "Check the environment's settings") as Step;
const actionInputs = readActionMetadata(join(repoRoot, 'actions', 'preview-cleanup', 'action.yml')).inputs;

interface Contexts {
  github: Record<string, unknown>;
  inputs?: Record<string, string>;
  vars?: Record<string, string>;
  secrets?: Record<string, string>;
  env?: Record<string, string>;
}

function evaluate(expression: string, contexts: Contexts): data.ExpressionData {
  const tokens = new Lexer(expression.trim()).lex().tokens;
  const tree = new Parser(tokens, ['github', 'inputs', 'vars', 'secrets', 'env'], []).parse();
  const values = JSON.parse(JSON.stringify(contexts), data.reviver) as data.Dictionary;
  return new Evaluator(tree, values, new Map()).evaluate();
}

/** A `with:`/`env:` value as GitHub renders it: each `${{ }}` replaced by its string value. */
function render(text: string, contexts: Contexts): string {
  return text.replace(/\$\{\{(.*?)\}\}/gs, (_whole, expression: string) =>
    evaluate(expression, contexts).coerceString(),
  );
}

const github = (event: RunnerEvent) => githubContext(event, { workspace: repoRoot, actionPath: repoRoot });

/**
 * Whether a job of a workflow runs for an event: its `if:` (none of these names a status function, so
 * GitHub adds `success()`: every job it needs ran and succeeded) and every job it needs.
 */
function jobRuns(doc: Workflow, id: string, event: RunnerEvent): boolean {
  const spec = doc.jobs[id] as Job;
  const needs = spec.needs === undefined ? [] : [spec.needs].flat();
  if (!needs.every((need) => jobRuns(doc, need, event))) return false;
  if (spec.if === undefined) return true;
  expect(spec.if, `${id}.if`).not.toMatch(/\b(always|failure|cancelled)\(/);
  return truthy(evaluate(spec.if, { github: github(event) }));
}

function tagDeleted(tag: string): RunnerEvent {
  const event = deleteEvent(tag);
  event.payload.ref_type = 'tag';
  return event;
}
function mergedPullRequest(branch: string): RunnerEvent {
  const event = closedPullRequestEvent(branch);
  (event.payload.pull_request as { merged: boolean }).merged = true;
  return event;
}
function forkPullRequestClosed(branch: string, headRepository: string | null): RunnerEvent {
  const event = closedPullRequestEvent(branch);
  const head = (event.payload.pull_request as { head: { repo: unknown } }).head;
  head.repo = headRepository === null ? null : { full_name: headRepository };
  return event;
}
function branchDeletedByPush(branch: string): RunnerEvent {
  const event = pushEvent(branch);
  event.payload.deleted = true;
  return event;
}

const EVENTS: [string, RunnerEvent, 'deploy' | 'cleanup' | 'nothing'][] = [
  ['a push to feature/login', pushEvent('feature/login'), 'deploy'],
  ['a push to main', pushEvent('main'), 'deploy'],
  ['a manual run', workflowDispatchEvent('main', { environment: 'stage' }), 'deploy'],
  ['the deletion of branch feature/login', deleteEvent('feature/login'), 'cleanup'],
  ['the deletion of tag v1.2.3', tagDeleted('v1.2.3'), 'nothing'],
  ['a closed pull request from feature/login', closedPullRequestEvent('feature/login'), 'cleanup'],
  ['a merged pull request from feature/login', mergedPullRequest('feature/login'), 'cleanup'],
  ['a closed pull request from a fork', forkPullRequestClosed('feature/login', 'mallory/shop'), 'nothing'],
  ['a closed pull request from a deleted fork', forkPullRequestClosed('feature/login', null), 'nothing'],
  ['an opened pull request', pullRequestEvent('feature/login'), 'nothing'],
  ['a push that deletes feature/login', branchDeletedByPush('feature/login'), 'nothing'],
];

describe('deploy.yml: the preview cleanup', () => {
  it('runs on branch and tag deletion and on closed pull requests, besides pushes and manual runs', () => {
    expect(Object.keys(deploy.on)).toEqual(['push', 'workflow_dispatch', 'delete', 'pull_request']);
    expect(deploy.on.pull_request).toEqual({ types: ['closed'] });
  });

  it.each(EVENTS)('%s: %s', (_name, event, expected) => {
    const runs = {
      deploy: ['plan', 'ship'].map((id) => jobRuns(deploy, id, event)),
      cleanup: [jobRuns(deploy, 'end-preview', event), jobRuns(cleanup, 'end-preview', event)],
    };
    expect(runs).toEqual({
      deploy: [expected === 'deploy', expected === 'deploy'],
      // The caller's guard and the reusable workflow's own agree.
      cleanup: [expected === 'cleanup', expected === 'cleanup'],
    });
  });

  it('calls the reusable cleanup with only the secrets it declares, by name, never `inherit`', () => {
    const caller = deploy.jobs['end-preview'] as Job;
    expect(caller.uses).toBe('./.github/workflows/preview-cleanup.yml');
    expect(caller.secrets).toEqual({
      DEPLOY_SSH_PRIVATE_KEY: `\${{ secrets.DEPLOY_SSH_PRIVATE_KEY }}`,
      ENVIRONMENTS_ADMIN_TOKEN: `\${{ secrets.ENVIRONMENTS_ADMIN_TOKEN }}`,
    });
    expect(Object.keys(caller.with ?? {}).filter((name) => !(name in call.inputs))).toEqual([]);
    // The GitHub environment the pipeline deploys a feature branch through (deploy-plan.test.ts).
    expect(caller.with?.environment).toBe('preview');
  });

  it('grants the cleanup exactly what its job asks for: deployments, and reading the repository', () => {
    // A called job may not hold more than its caller grants; GitHub refuses the run otherwise.
    expect((deploy.jobs['end-preview'] as Job).permissions).toEqual(job.permissions);
  });
});

describe('preview-cleanup.yml', () => {
  it('is a reusable workflow whose token may mark deployments inactive and read the repository, no more', () => {
    expect(Object.keys(cleanup.on)).toEqual(['workflow_call']);
    expect(cleanup.permissions).toEqual({ contents: 'read' });
    expect(job.permissions).toEqual({ contents: 'read', deployments: 'write' });
  });

  it('reads the previews’ GitHub environment without recording a deployment there', () => {
    expect(job.environment).toEqual({ name: `\${{ inputs.environment }}`, deployment: false });
    expect(call.inputs.environment?.default).toBe('preview');
  });

  it('ends one branch’s preview at a time, never cancelled half-way, whichever event names the branch', () => {
    const group = (event: RunnerEvent) => render(job.concurrency?.group ?? '', { github: github(event) });
    expect(group(deleteEvent('feature/login'))).toBe('preview-cleanup-acme/shop-feature/login');
    expect(group(mergedPullRequest('feature/login'))).toBe(group(deleteEvent('feature/login')));
    expect(group(deleteEvent('feature/other'))).not.toBe(group(deleteEvent('feature/login')));
    expect(job.concurrency?.['cancel-in-progress']).toBe(false);
  });

  it('checks out the default branch, not the closed pull request’s merge commit, without credentials', () => {
    const checkout = steps.find((step) => step.uses?.startsWith('actions/checkout@'));
    expect(checkout?.with).toEqual({
      ref: `\${{ github.event.repository.default_branch }}`,
      'persist-credentials': false,
    });
  });

  it('runs actions/preview-cleanup of this repository, here or pinned by a release', () => {
    // `./actions/preview-cleanup` on main; OWNER/REPO/actions/preview-cleanup@<sha> once release-refs ran.
    expect(cleanupStep.uses).toMatch(/^(\.|[\w.-]+\/[\w.-]+)\/actions\/preview-cleanup(@[0-9a-f]{40})?$/);
  });

  it('passes the action only inputs actions/preview-cleanup/action.yml declares', () => {
    expect(Object.keys(cleanupStep.with).filter((name) => !(name in actionInputs))).toEqual([]);
  });

  it('defaults each input it passes straight through to the action’s own default', () => {
    for (const [name, value] of Object.entries(cleanupStep.with)) {
      const input = /^\$\{\{ inputs\.([\w-]+) \}\}$/.exec(value)?.[1];
      if (input === undefined) continue;
      expect(call.inputs[input]?.default ?? '', `${input} → ${name}`).toBe(actionInputs[name]?.default ?? '');
    }
  });

  it('uses every input it declares', () => {
    const text = JSON.stringify(job);
    expect(Object.keys(call.inputs).filter((name) => !text.includes(`inputs.${name} `))).toEqual([]);
  });

  it('takes the node from the inputs, else the environment’s variables, and the admin token when given', () => {
    const settle = (inputs: Record<string, string>, secrets: Record<string, string>) => {
      const defaults = Object.fromEntries(
        Object.entries(call.inputs).map(([name, spec]) => [name, String(spec.default ?? '')]),
      );
      const contexts = {
        github: { ...github(deleteEvent('feature/login')), token: 'ghs_jobToken' },
        inputs: { ...defaults, ...inputs },
        vars: { CONTROL_PLANE_HOST: '203.0.113.10', CONTROL_PLANE_HOST_KEY: 'SHA256:abc' },
        secrets: { DEPLOY_SSH_PRIVATE_KEY: '-----BEGIN OPENSSH PRIVATE KEY-----', ...secrets },
      };
      const env = Object.fromEntries(
        Object.entries(job.env ?? {}).map(([name, value]) => [name, render(value, contexts)]),
      );
      return Object.fromEntries(
        Object.entries(cleanupStep.with).map(([name, value]) => [name, render(value, { ...contexts, env })]),
      );
    };
    expect(settle({}, {})).toMatchObject({
      host: '203.0.113.10',
      user: 'k8s-ship-deploy',
      'host-key': 'SHA256:abc',
      port: '22',
      'private-key': '-----BEGIN OPENSSH PRIVATE KEY-----',
      'protected-environments': 'dev, stage, prod',
      token: 'ghs_jobToken',
    });
    expect(
      settle(
        { 'ssh-host': 'cp.example.com', 'namespace-prefix': 'shop-' },
        { ENVIRONMENTS_ADMIN_TOKEN: 'ghp_admin' },
      ),
    ).toMatchObject({ host: 'cp.example.com', 'namespace-prefix': 'shop-', token: 'ghp_admin' });
  });

  it('declares the SSH key required and the admin token optional, named as environment secrets', () => {
    expect(call.secrets).toEqual({
      DEPLOY_SSH_PRIVATE_KEY: expect.objectContaining({ required: true }),
      ENVIRONMENTS_ADMIN_TOKEN: expect.objectContaining({ required: false }),
    });
  });

  it('interpolates no secret into a shell line: secrets reach the action through with: only', () => {
    for (const step of steps) expect(step.run ?? '', step.name).not.toMatch(/\$\{\{/);
    const text = JSON.stringify(steps);
    // Each secret: once as the action's input, and the SSH key once more as a yes/no in the check's env.
    expect(cleanupStep.with['private-key']).toBe(`\${{ secrets.DEPLOY_SSH_PRIVATE_KEY }}`);
    expect(cleanupStep.with.token).toBe(`\${{ secrets.ENVIRONMENTS_ADMIN_TOKEN || github.token }}`);
    expect(checkStep.env).toEqual({ HAS_DEPLOY_KEY: `\${{ secrets.DEPLOY_SSH_PRIVATE_KEY != '' }}` });
    expect(text.split('secrets.DEPLOY_SSH_PRIVATE_KEY').length - 1).toBe(2);
    expect(text.split('secrets.ENVIRONMENTS_ADMIN_TOKEN').length - 1).toBe(1);
    expect(JSON.stringify(job.env)).not.toContain('secrets.');
  });
});

describe('preview-cleanup.yml: the check before anything is deleted', () => {
  const runCheck = (env: Record<string, string>) =>
    // As GitHub's runner runs a `run:` with bash.
    spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', checkStep.run ?? 'exit 99'], {
      env: { PATH: process.env.PATH, ...env },
      encoding: 'utf8',
    });

  it('runs first, and passes with a host, its key and the deploy key', () => {
    expect(steps[0]).toBe(checkStep);
    const result = runCheck({
      TARGET_SSH_HOST: '203.0.113.10',
      TARGET_SSH_HOST_KEY: 'SHA256:abc',
      HAS_DEPLOY_KEY: 'true',
    });
    expect([result.status, result.stdout, result.stderr]).toEqual([0, '', '']);
  });

  it('names each missing setting rather than letting kubectl run on the runner', () => {
    const result = runCheck({ TARGET_SSH_HOST: '', TARGET_SSH_HOST_KEY: '', HAS_DEPLOY_KEY: 'false' });
    expect(result.status).toBe(1);
    expect(result.stdout.trim().split('\n')).toEqual([
      "::error::Input 'ssh-host' is empty and so is the variable CONTROL_PLANE_HOST: set CONTROL_PLANE_HOST in this job's GitHub environment (or the repository), or pass ssh-host",
      "::error::Input 'ssh-host-key' is empty and so is the variable CONTROL_PLANE_HOST_KEY: set CONTROL_PLANE_HOST_KEY in this job's GitHub environment (or the repository), or pass ssh-host-key",
      "::error::The secret DEPLOY_SSH_PRIVATE_KEY is empty: set it in this job's GitHub environment (or the repository), and have the caller pass it by name (secrets: DEPLOY_SSH_PRIVATE_KEY)",
    ]);
  });
});
