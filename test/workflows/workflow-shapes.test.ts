import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../harness/paths.js';

// biome-ignore lint/suspicious/noExplicitAny: workflow YAML is walked as loose data in these checks
type Loose = any;
const workflow = (name: string): Loose =>
  parse(readFileSync(join(repoRoot, '.github', 'workflows', name), 'utf8'));
const rootInputs = Object.keys(parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8')).inputs);

/** Every place a workflow grants a write scope, as `where: scope`. */
function writeGrants(doc: Loose): string[] {
  const grants: string[] = [];
  const collect = (where: string, permissions: Loose) => {
    for (const [scope, level] of Object.entries(permissions ?? {})) {
      if (level === 'write') grants.push(`${where}: ${scope}`);
    }
  };
  collect('workflow', doc.permissions);
  for (const [id, job] of Object.entries(doc.jobs as Record<string, Loose>)) collect(id, job.permissions);
  return grants;
}

describe('deploy.yml', () => {
  const deploy = workflow('deploy.yml');

  it('deploys pushes to main, stage, dev and feature branches, and manual runs to dev, stage or prod', () => {
    expect(deploy.on.push.branches).toEqual(['main', 'stage', 'dev', 'feature/**']);
    expect(deploy.on.workflow_dispatch.inputs.environment).toMatchObject({
      type: 'choice',
      options: ['dev', 'stage', 'prod'],
    });
  });

  it('hands the planned environment to the reusable pipeline, with the OIDC token only there', () => {
    expect(deploy.jobs.ship).toMatchObject({
      needs: 'plan',
      uses: './.github/workflows/pipeline.yml',
      with: { environment: `\${{ needs.plan.outputs.environment }}` },
    });
    expect(writeGrants(deploy)).toEqual(['ship: id-token']);
  });

  it('hands the pipeline only the secret it needs, never `secrets: inherit`', () => {
    expect(deploy.jobs.ship.secrets).toEqual({ 'ssh-private-key': `\${{ secrets.DEPLOY_SSH_PRIVATE_KEY }}` });
  });
});

describe('pipeline.yml', () => {
  const pipeline = workflow('pipeline.yml');
  const ship = pipeline.jobs.ship;

  it('is a reusable workflow whose job runs in the GitHub environment of the deploy', () => {
    expect(Object.keys(pipeline.on)).toEqual(['workflow_call']);
    expect(ship.environment.name).toBe(`\${{ inputs.environment }}`);
  });

  it('runs one deploy per environment at a time and never cancels one half-way', () => {
    expect(ship.concurrency.group).toContain(`\${{ inputs.environment }}`);
    expect(ship.concurrency['cancel-in-progress']).toBe(false);
  });

  it('gets AWS credentials through OIDC, not stored keys', () => {
    expect(writeGrants(pipeline)).toEqual(['ship: id-token']);
    const aws = ship.steps.find((step: Loose) =>
      String(step.uses).startsWith('aws-actions/configure-aws-credentials@'),
    );
    expect(aws.with['role-to-assume']).toBe(`\${{ inputs.aws-role-arn }}`);
    expect(JSON.stringify(pipeline)).not.toMatch(/aws-secret-access-key|AWS_SECRET_ACCESS_KEY/);
  });

  it('runs the root action with inputs it declares, secrets only through with:', () => {
    const run = ship.steps.find((step: Loose) => step.uses === './');
    expect(Object.keys(run.with).filter((name) => !rootInputs.includes(name))).toEqual([]);
    for (const secret of Object.keys(pipeline.on.workflow_call.secrets)) {
      const uses = JSON.stringify(ship.steps).split(`secrets.${secret}`).length - 1;
      expect(uses, secret).toBe(1);
    }
  });
});

describe('release.yml', () => {
  const release = workflow('release.yml');

  it('runs for version tags, verifies the bundles, and alone may write (the major tag and the release)', () => {
    expect(release.on.push.tags).toEqual(['v*.*.*']);
    const runs = release.jobs.release.steps.map((step: Loose) => step.run ?? '').join('\n');
    expect(runs).toContain('node scripts/package.js --check');
    expect(runs).toContain('git push --force origin "refs/tags/$MAJOR"');
    expect(writeGrants(release)).toEqual(['release: contents']);
  });
});

describe('ci.yml', () => {
  it('runs the whole suite the way a fresh machine does, read-only', () => {
    const ci = workflow('ci.yml');
    const runs = ci.jobs.test.steps.map((step: Loose) => step.run ?? '').join('\n');
    expect(runs).toContain('./.ci/run');
    expect(writeGrants(ci)).toEqual([]);
    expect(ci.concurrency['cancel-in-progress']).toBe(true);
  });
});
