import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCompositeAction, type StepProgress } from '../src/composite.js';
import { pushEvent } from '../src/events.js';
import { repoRoot } from '../src/paths.js';

const fixture = (name: string) => join(import.meta.dirname, 'composite-fixtures', name);

describe('runCompositeAction()', () => {
  it('runs the real branch-to-namespace then a bash step, passing outputs through with: and env:', async () => {
    const progress: StepProgress[] = [];
    const run = await runCompositeAction({
      actionDir: fixture('namespace'),
      workspace: repoRoot,
      node: 'local',
      event: pushEvent('feature/Login-Form'),
      onStep: (event) => progress.push(event),
    });
    expect(run.outcome).toBe('success');
    expect(run.outputs.environment).toBe('preview');
    expect(run.outputs.namespace).toBe('shop-preview-feature-login-form');
    expect(run.outputs.greeting).toBe(
      'deploying feature/Login-Form to shop-preview-feature-login-form on Linux',
    );
    expect(run.outputs['skipped-outcome']).toBe('skipped');
    expect(run.steps.map((step) => [step.label, step.outcome])).toEqual([
      ['target', 'success'],
      ['script', 'success'],
      ['later', 'success'],
      ['on-failure', 'skipped'],
    ]);
    // The step's env: sees what an earlier step exported through GITHUB_ENV.
    expect(run.steps[2]?.outputs).toEqual({ later: 'ran-yes' });
    expect(progress.filter((event) => event.phase === 'start').map((event) => event.label)).toEqual([
      'target',
      'script',
      'later',
    ]);
  });

  it('gives main-branch pushes the mapped environment and the composite input defaults', async () => {
    const run = await runCompositeAction({
      actionDir: fixture('namespace'),
      workspace: repoRoot,
      node: 'local',
      event: pushEvent('main'),
      inputs: { prefix: 'web-' },
    });
    expect(run.outcome).toBe('success');
    expect(run.outputs).toMatchObject({ environment: 'prod', namespace: 'web-prod' });
    // The preview-only step's condition is false on main.
    expect(run.steps.find((step) => step.label === 'later')?.outcome).toBe('skipped');
  });

  it('fails the composite when a step fails and runs only failure() and always() steps after it', async () => {
    const run = await runCompositeAction({ actionDir: fixture('failing'), node: 'local' });
    expect(run.outcome).toBe('failure');
    expect(run.steps.map((step) => [step.label, step.outcome])).toEqual([
      ['first', 'success'],
      ['boom', 'failure'],
      ['skipped', 'skipped'],
      ['after-failure', 'success'],
      ['always', 'success'],
    ]);
    expect(run.steps[1]).toMatchObject({ exitCode: 3, errors: ['broke on purpose'] });
    expect(run.outputs['after-failure']).toBe('yes');
  });

  it('runs post steps after all main steps in reverse order, with state, exported env and masks', async () => {
    const run = await runCompositeAction({
      actionDir: fixture('post-order'),
      workspace: repoRoot,
      node: 'local',
    });
    expect(run.outcome).toBe('success');
    expect(run.steps.map((step) => step.label)).toEqual([
      'first',
      'middle',
      'second',
      'post second',
      'post first',
    ]);
    const postSeen = (label: string) =>
      JSON.parse(run.steps.find((step) => step.label === label)?.outputs['post-seen'] as string);
    expect(postSeen('post second')).toEqual({
      cleanup: 'line 1\nline 2',
      exported: 'from-main',
      pathHasProbe: true,
      greeting: 'second',
    });
    expect(postSeen('post first').greeting).toBe('first');
    // The first step masked the password; the later script step's log shows it masked.
    expect(run.masks).toContain('s3cret-value');
    expect(run.steps[1]?.visibleLog).toContain('password ***');
    expect(run.steps[1]?.visibleLog).not.toContain('s3cret-value');
  });
});

describe('runCompositeAction() with this repository’s actions named as another repository names them', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs `OWNER/REPO/actions/NAME@ref` from the checkout, as a released action’s steps', async () => {
    dir = mkdtempSync(join(tmpdir(), 'composite-remote-'));
    writeFileSync(
      join(dir, 'action.yml'),
      [
        'name: x',
        'description: x',
        'outputs:',
        '  namespace:',
        `    value: \${{ steps.target.outputs.namespace }}`,
        'runs:',
        '  using: composite',
        '  steps:',
        '    - id: target',
        `      uses: Acme/K8s-Ship/actions/branch-to-namespace@${'0'.repeat(40)}`,
        '      with:',
        '        preview: "true"',
        '',
      ].join('\n'),
    );
    const run = await runCompositeAction({
      actionDir: dir,
      node: 'local',
      event: pushEvent('feature/cart'),
      checkout: { repository: 'acme/k8s-ship', root: repoRoot },
    });
    expect(run.outcome).toBe('success');
    expect(run.outputs.namespace).toBe('preview-feature-cart');
  });
});

describe('runCompositeAction() refuses what it cannot run faithfully', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  const composite = (text: string) => {
    dir = mkdtempSync(join(tmpdir(), 'composite-test-'));
    writeFileSync(join(dir, 'action.yml'), text);
    return dir;
  };

  it('an input the composite does not declare, like a typo in with:', async () => {
    await expect(
      runCompositeAction({ actionDir: fixture('namespace'), node: 'local', inputs: { prefx: 'a-' } }),
    ).rejects.toThrow('unexpected input(s) prefx');
  });

  it('a run step without shell', async () => {
    const actionDir = composite(
      'name: x\ndescription: x\nruns:\n  using: composite\n  steps:\n    - run: echo hi\n',
    );
    await expect(runCompositeAction({ actionDir, node: 'local' })).rejects.toThrow("without 'shell'");
  });

  it('a remote action it cannot fetch', async () => {
    const actionDir = composite(
      'name: x\ndescription: x\nruns:\n  using: composite\n  steps:\n    - uses: actions/checkout@v5\n',
    );
    await expect(runCompositeAction({ actionDir, node: 'local' })).rejects.toThrow(
      "only local actions ('./path') can run here, not 'actions/checkout@v5'",
    );
  });

  it('a remote action of another repository than the checkout’s, or a path leaving it', async () => {
    const checkout = { repository: 'acme/k8s-ship', root: repoRoot };
    const other = composite(
      'name: x\ndescription: x\nruns:\n  using: composite\n  steps:\n    - uses: other/k8s-ship/actions/build-push@v1\n',
    );
    await expect(runCompositeAction({ actionDir: other, node: 'local', checkout })).rejects.toThrow(
      "only local actions ('./path' or 'acme/k8s-ship/path@ref') can run here, not 'other/k8s-ship/actions/build-push@v1'",
    );
    rmSync(other, { recursive: true, force: true });
    const leaving = composite(
      'name: x\ndescription: x\nruns:\n  using: composite\n  steps:\n    - uses: acme/k8s-ship/actions/../../x@v1\n',
    );
    await expect(runCompositeAction({ actionDir: leaving, node: 'local', checkout })).rejects.toThrow(
      "'acme/k8s-ship/actions/../../x@v1' leaves the repository",
    );
  });

  it('an expression naming an unknown context', async () => {
    const actionDir = composite(
      `name: x\ndescription: x\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      env:\n        A: \${{ secretz.x }}\n      run: "true"\n`,
    );
    await expect(runCompositeAction({ actionDir, node: 'local' })).rejects.toThrow(
      "cannot evaluate expression 'secretz.x'",
    );
  });
});
