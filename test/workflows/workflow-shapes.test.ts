import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { repoRoot } from '../../runner/src/paths.js';

// biome-ignore lint/suspicious/noExplicitAny: workflow YAML is walked as loose data in these checks
type Loose = any;
const workflow = (name: string): Loose =>
  parse(readFileSync(join(repoRoot, '.github', 'workflows', name), 'utf8'));
const rootAction = parse(readFileSync(join(repoRoot, 'action.yml'), 'utf8'));
const rootInputs = Object.keys(rootAction.inputs);

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
    // The preview cleanup's deployments scope is the only other write (preview-cleanup.test.ts).
    expect(writeGrants(deploy)).toEqual(['ship: id-token', 'end-preview: deployments']);
  });

  it('hands the pipeline only the secret it needs, by name, never `secrets: inherit`', () => {
    expect(deploy.jobs.ship.secrets).toEqual({
      DEPLOY_SSH_PRIVATE_KEY: `\${{ secrets.DEPLOY_SSH_PRIVATE_KEY }}`,
    });
  });

  it('leaves where to deploy to the environment: no variable of its own, no kubeconfig', () => {
    // A caller job has no environment, so any vars.* here would be one value for every environment.
    expect(JSON.stringify(deploy.jobs.ship)).not.toContain('vars.');
    expect(deploy.jobs.ship.with).not.toHaveProperty('kubeconfig');
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

  it('gets AWS credentials through OIDC, not stored keys, and writes nothing else', () => {
    expect(writeGrants(pipeline)).toEqual(['ship: id-token']);
    const aws = ship.steps.find((step: Loose) =>
      String(step.uses).startsWith('aws-actions/configure-aws-credentials@'),
    );
    expect(aws.with['role-to-assume']).toBe(`\${{ env.TARGET_AWS_ROLE_ARN }}`);
    expect(JSON.stringify(pipeline)).not.toMatch(/aws-secret-access-key|AWS_SECRET_ACCESS_KEY/);
  });

  it('runs the root action with inputs it declares, secrets only through with:', () => {
    // `./` on main; this repository pinned by commit in a release (scripts/release-refs.ts).
    const run = ship.steps.find((step: Loose) => step.id === 'ship');
    expect(run.uses).toMatch(/^(\.\/|[\w.-]+\/[\w.-]+@[0-9a-f]{40})$/);
    expect(Object.keys(run.with).filter((name) => !rootInputs.includes(name))).toEqual([]);
    for (const secret of Object.keys(pipeline.on.workflow_call.secrets)) {
      const steps = JSON.stringify(ship.steps);
      const passed = steps.split(`\${{ secrets.${secret} }}`).length - 1;
      const checked = steps.split(`\${{ secrets.${secret} != '' }}`).length - 1;
      const all = steps.split(`secrets.${secret}`).length - 1;
      expect([passed, all - passed - checked], secret).toEqual([1, 0]);
    }
  });

  it('names its secrets as GitHub environment secrets can be named, so the environment’s value is used', () => {
    for (const secret of Object.keys(pipeline.on.workflow_call.secrets))
      expect(secret).toMatch(/^[A-Z][A-Z0-9_]*$/);
  });

  it('leaves the GitHub deployment to the job’s environment, with the URL the root action renders', () => {
    // Two records of every deploy otherwise: GitHub's for the job and the root action's own.
    const run = ship.steps.find((step: Loose) => step.id === 'ship');
    expect(run.with['github-token']).toBe('');
    expect(ship.environment.url).toBe(`\${{ steps.ship.outputs.environment-url }}`);
    expect(rootAction.outputs['environment-url'].value).toBe(
      `\${{ steps.deployment-start.outputs.environment-url }}`,
    );
  });
});

describe('release.yml', () => {
  const release = workflow('release.yml');

  it('runs by hand for a version, verifies the bundles, and alone may write (the tags and the release)', () => {
    expect(Object.keys(release.on)).toEqual(['workflow_dispatch']);
    expect(release.on.workflow_dispatch.inputs.version).toMatchObject({ type: 'string', required: true });
    const runs = release.jobs.release.steps.map((step: Loose) => step.run ?? '').join('\n');
    expect(runs).toContain('node scripts/package.js --check');
    expect(runs).toContain('git push --force origin "refs/tags/$MAJOR"');
    expect(writeGrants(release)).toEqual(['release: contents']);
  });

  it('pins the root action and the preview cleanup, then the pipeline, in two commits and tags the second, never main', () => {
    const runs = release.jobs.release.steps.map((step: Loose) => step.run ?? '').join('\n');
    const rewrites = [
      ...runs.matchAll(/scripts\/release-refs\.ts .*--sha "\$(\w+)" --version "\$VERSION" (.+)$/gm),
    ];
    expect(rewrites.map((match) => [match[1], match[2]])).toEqual([
      ['source_sha', 'action.yml .github/workflows/preview-cleanup.yml'],
      ['actions_sha', '.github/workflows/pipeline.yml'],
    ]);
    // Each commit takes exactly the files its rewrite changed.
    const commits = [...runs.matchAll(/git commit --quiet -m ".*" -- (.+)$/gm)].map((match) => match[1]);
    expect(commits).toEqual(rewrites.map((match) => match[2]));
    expect(runs).toContain('git tag -a "$VERSION"');
    expect(runs).toContain('git push origin "refs/tags/$VERSION"');
    expect(runs).not.toMatch(/git push[^\n]*(main|HEAD|refs\/heads)/);
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
