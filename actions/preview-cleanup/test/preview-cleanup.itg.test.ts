import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { deleteEvent, pushEvent, type RunnerEvent } from '../../../runner/src/events.js';
import { runBundledAction, type StepRun } from '../../../runner/src/run-bundle.js';
import { useSandbox } from '../../../sandbox/src/testing.js';
import { startGitHubApiStandIn } from '../../../test/github-api-stand-in.js';
import { type KubectlClient, localKubectl } from '../../lib/src/kubectl/index.js';
import { KubectlTarget } from '../../lib/src/target/index.js';
import { removeNamespace } from '../../lib/test/kubectl/namespaces.js';

/*
 * The real preview-cleanup bundle under Node 24, as the runner runs it, on the sandbox's real cluster:
 * kubectl on the runner with a kubeconfig, GitHub's REST API on the loopback stand-in. The namespaces are
 * made here as the overlays make them: previews labelled at creation, the environments' not.
 */

const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const branchToNamespaceDir = join(actionDir, '..', 'branch-to-namespace');
const PREFIX = 'pc-';
const TOKEN = 'ghs_preview_cleanup_test_token';
const ADMIN_TOKEN = 'github_pat_preview_cleanup_admin';
const REPOSITORY = 'acme/shop';
const PREVIEW_LABEL = { 'k8s-ship.io/preview': 'true' };
const LONG_LIVED = ['pc-dev', 'pc-stage', 'pc-prod'];

let kubectl: KubectlClient;
let target: KubectlTarget;
let kubeconfig: string;
const made: string[] = [];

async function makeNamespace(name: string, labels: Record<string, string> = {}): Promise<void> {
  made.push(name);
  await target.apply(
    [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: name }, data: { a: 'b' } },
    ]
      .map((object) => stringify(object))
      .join('---\n'),
  );
}

function cleanup(event: RunnerEvent, inputs: Record<string, string> = {}, env: Record<string, string> = {}) {
  return runBundledAction({
    actionDir,
    node: 'node24',
    event,
    env,
    inputs: { 'namespace-prefix': PREFIX, kubeconfig, 'delete-timeout': '2m', ...inputs },
    timeoutMs: 150_000,
  });
}

function failure(step: StepRun): string {
  expect(step.exitCode).not.toBe(0);
  return step.errors.join('\n');
}

async function exists(name: string): Promise<boolean> {
  return (await target.namespace(name)) !== undefined;
}

beforeAll(async () => {
  const { kube } = await useSandbox(['kube']);
  kubeconfig = kube.kubeconfig;
  kubectl = localKubectl({ kubeconfigPath: kubeconfig });
  target = new KubectlTarget(kubectl);
  for (const name of LONG_LIVED) await makeNamespace(name);
  await makeNamespace('pc-preview-feature-login', PREVIEW_LABEL);
  await makeNamespace('pc-preview-other', PREVIEW_LABEL);
});

afterAll(async () => {
  for (const name of made) await removeNamespace(kubectl, name).catch(() => {});
});

describe('preview-cleanup on the sandbox', () => {
  it('deletes the deleted branch’s namespace and only it, then is a no-op the second time', async () => {
    const { main } = await cleanup(deleteEvent('feature/login'));
    expect(main.exitCode, main.stdout).toBe(0);
    expect(main.outputs).toMatchObject({ namespace: 'pc-preview-feature-login', cluster: 'deleted' });
    expect(await exists('pc-preview-feature-login')).toBe(false);
    for (const name of ['pc-preview-other', ...LONG_LIVED]) expect(await exists(name)).toBe(true);

    const again = await cleanup(deleteEvent('feature/login'));
    expect(again.main.exitCode).toBe(0);
    expect(again.main.outputs).toMatchObject({ cluster: 'absent' });
    expect(again.main.stdout).toContain('Nothing to do: the preview of feature/login was already gone.');
  });

  it('finds the namespace branch-to-namespace gave a hostile branch name', async () => {
    const branch = `Feature/ÜBER--Login_2.0/${'x'.repeat(70)}`;
    const mapped = await runBundledAction({
      actionDir: branchToNamespaceDir,
      node: 'node24',
      event: pushEvent(branch),
      inputs: { preview: 'true', 'namespace-prefix': PREFIX },
    });
    const namespace = mapped.main.outputs.namespace as string;
    expect(namespace).toMatch(/^pc-preview-[a-z0-9-]+$/);
    await makeNamespace(namespace, PREVIEW_LABEL);

    const { main } = await cleanup(deleteEvent(branch));
    expect(main.outputs).toMatchObject({ namespace, cluster: 'deleted' });
    expect(await exists(namespace)).toBe(false);
  });

  it('refuses a namespace named like a preview that was not labelled one at creation, deleting nothing', async () => {
    await makeNamespace('pc-preview-handmade');
    const { main } = await cleanup(deleteEvent('handmade'));
    expect(main.exitCode).toBe(1);
    expect(failure(main)).toContain(
      "Refusing to delete namespace 'pc-preview-handmade': it has no k8s-ship.io/preview=true label",
    );
    expect(await exists('pc-preview-handmade')).toBe(true);
  });

  it('marks the preview’s GitHub deployments inactive, and says plainly when the token may not delete the environment', async () => {
    await makeNamespace('pc-preview-feature-api', PREVIEW_LABEL);
    const github = await startGitHubApiStandIn({
      token: TOKEN,
      repository: REPOSITORY,
      administrationToken: ADMIN_TOKEN,
    });
    try {
      const deployment = { sha: 'a'.repeat(40), ref: 'feature/api', transient_environment: true };
      const seeded = [
        github.seedDeployment(
          {
            ...deployment,
            environment: 'pc-preview-feature-api',
            production_environment: false,
            description: '',
          },
          ['in_progress', 'success'],
        ),
        github.seedDeployment(
          {
            ...deployment,
            environment: 'pc-preview-feature-api',
            production_environment: false,
            description: '',
          },
          ['failure', 'inactive'],
        ),
        github.seedDeployment(
          { ...deployment, environment: 'pc-preview-other', production_environment: false, description: '' },
          ['success'],
        ),
      ];
      // The stand-in answers the job's token as github.com does: 403 on an environment's deletion.
      const { main } = await cleanup(
        deleteEvent('feature/api'),
        { token: TOKEN },
        { GITHUB_API_URL: github.url },
      );
      expect(main.exitCode, main.stdout).toBe(0);
      expect(main.outputs).toMatchObject({
        cluster: 'deleted',
        'deployments-inactive': '1',
        environment: 'not-permitted',
      });
      const states = seeded.map((d) => d.statuses.at(-1)?.state);
      expect(states).toEqual(['inactive', 'inactive', 'success']);
      const deletion = github.requests.find((r) => r.method === 'DELETE');
      expect(deletion?.path).toBe(`/repos/${REPOSITORY}/environments/pc-preview-feature-api`);
      const warned = main.warnings.join('\n');
      expect(warned).toContain("GitHub refused to delete the environment 'pc-preview-feature-api' (403");
      expect(warned).toContain('The default job token (GITHUB_TOKEN) cannot delete environments');

      // With a token that may administer the repository, the environment goes; a second run has nothing left.
      await makeNamespace('pc-preview-feature-api', PREVIEW_LABEL);
      const admin = await cleanup(
        deleteEvent('feature/api'),
        { token: ADMIN_TOKEN },
        { GITHUB_API_URL: github.url },
      );
      expect(admin.main.outputs).toMatchObject({ 'deployments-inactive': '0', environment: 'deleted' });
      const again = await cleanup(
        deleteEvent('feature/api'),
        { token: ADMIN_TOKEN },
        { GITHUB_API_URL: github.url },
      );
      expect(again.main.outputs).toMatchObject({ cluster: 'absent', environment: 'absent' });
    } finally {
      await github.close();
    }
  });

  it('sweeps: lists the previews whose branch is gone in a dry run, then deletes only those', async () => {
    await makeNamespace('pc-preview-live', PREVIEW_LABEL);
    await makeNamespace('pc-preview-gone', PREVIEW_LABEL);
    const github = await startGitHubApiStandIn({ token: TOKEN, repository: REPOSITORY });
    try {
      github.intercept((request) =>
        request.method === 'GET' && request.path === `/repos/${REPOSITORY}/branches`
          ? { status: 200, body: ['main', 'live', 'other'].map((name) => ({ name, protected: false })) }
          : undefined,
      );
      const sweep = (dryRun: string) =>
        cleanup(
          pushEvent('main'),
          { mode: 'sweep', token: TOKEN, 'dry-run': dryRun },
          { GITHUB_API_URL: github.url },
        );

      const listed = await sweep('true');
      expect(listed.main.exitCode, listed.main.stdout).toBe(0);
      expect(listed.main.outputs.stale).toBe('pc-preview-gone');
      expect(listed.main.summary).toContain('would be deleted (dry run)');
      expect(await exists('pc-preview-gone')).toBe(true);

      const swept = await sweep('false');
      expect(swept.main.exitCode, swept.main.stdout).toBe(0);
      expect(swept.main.outputs.stale).toBe('pc-preview-gone');
      expect(await exists('pc-preview-gone')).toBe(false);
      for (const name of ['pc-preview-live', 'pc-preview-other', 'pc-preview-handmade', ...LONG_LIVED]) {
        expect(await exists(name), name).toBe(true);
      }
    } finally {
      await github.close();
    }
  });
});
