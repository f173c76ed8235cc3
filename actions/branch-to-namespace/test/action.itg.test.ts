import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEvent, pullRequestEvent, pushEvent, workflowDispatchEvent } from '../../../runner/src/events.js';
import { NODE_RUNTIMES } from '../../../runner/src/paths.js';
import { runBundledAction } from '../../../runner/src/run-bundle.js';
import { DOCKER_TAG } from '../../lib/src/docker/image-ref.js';
import { DNS1123_LABEL } from '../../lib/src/kubectl/names.js';

// The committed bundle, run through the runner contract with real webhook payloads.
const actionDir = join(import.meta.dirname, '..');
const workspaces: string[] = [];

afterAll(() => {
  for (const dir of workspaces) rmSync(dir, { recursive: true, force: true });
});

describe.each(NODE_RUNTIMES)('branch-to-namespace bundle under %s', (node) => {
  it('maps a push to main to prod', async () => {
    const { main } = await runBundledAction({ actionDir, node, event: loadEvent('push') });
    expect(main.exitCode).toBe(0);
    expect(main.outputs).toEqual({
      environment: 'prod',
      namespace: 'prod',
      overlay: 'k8s/overlays/prod',
      'is-production': 'true',
      slug: 'main',
      'image-tag': 'main-9f2c1e8',
    });
    expect(main.summary).toContain('<td>refs/heads/main</td><td>prod</td>');
  });

  it('gives a pull request its head branch a preview namespace in preview mode', async () => {
    const { main } = await runBundledAction({
      actionDir,
      node,
      event: pullRequestEvent('feature/cache-metrics'),
      inputs: { preview: 'true', 'namespace-prefix': 'shop-' },
    });
    expect(main.outputs).toMatchObject({
      environment: 'preview',
      namespace: 'shop-preview-feature-cache-metrics',
      overlay: 'k8s/overlays/preview',
      'is-production': 'false',
      'image-tag': 'feature-cache-metrics-d15ea5e',
    });
  });

  it('takes the environment chosen in a workflow_dispatch run from the event', async () => {
    const { main } = await runBundledAction({
      actionDir,
      node,
      event: workflowDispatchEvent('feature/x', { environment: 'stage' }),
    });
    expect(main.outputs).toMatchObject({
      environment: 'stage',
      namespace: 'stage',
      'is-production': 'false',
    });
  });

  it('fails with one clear error when a dispatch picks prod from a branch outside the allowlist', async () => {
    const { main } = await runBundledAction({
      actionDir,
      node,
      event: workflowDispatchEvent('feature/x', { environment: 'prod' }),
    });
    expect(main.exitCode).toBe(1);
    expect(main.errors).toEqual([
      "The branch 'feature/x' may not deploy to 'prod': only main may (input 'production-branches').",
    ]);
    expect(main.outputs).toEqual({});
  });

  it('deploys a release tag to prod when the mapping and allowlist say so', async () => {
    const { main } = await runBundledAction({
      actionDir,
      node,
      event: loadEvent('push-tag'),
      inputs: { mapping: 'main=prod\nrefs/tags/v*=prod', 'production-branches': 'main, refs/tags/v*' },
    });
    expect(main.outputs).toMatchObject({ environment: 'prod', 'image-tag': 'v1.4.2', slug: 'v1-4-2' });
  });

  it('reports a bad input by name and value', async () => {
    const { main } = await runBundledAction({
      actionDir,
      node,
      inputs: { 'namespace-prefix': 'Bad_Prefix' },
    });
    expect(main.exitCode).toBe(1);
    expect(main.errors).toEqual([
      "Invalid input 'namespace-prefix': 'Bad_Prefix'. Expected up to 30 lower-case letters, digits and hyphens, starting with a letter or digit (e.g. shop-).",
    ]);
  });

  it('treats a hostile branch name as data: nothing runs, no workflow command gets through', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'b2n-itg-'));
    workspaces.push(workspace);
    const branch = 'x$(touch CANARY)`touch CANARY2`;touch CANARY3\n::error::injected\n::add-mask::main';
    const { main } = await runBundledAction({ actionDir, node, workspace, event: pushEvent(branch) });
    expect(main.exitCode).toBe(0);
    expect(readdirSync(workspace)).toEqual([]);
    expect(existsSync('CANARY')).toBe(false);
    expect(main.errors).toEqual([]);
    expect(main.masks).toEqual([]);
    expect(main.stdout).toContain(JSON.stringify(branch));
    expect(main.outputs.namespace).toMatch(DNS1123_LABEL);
    expect(main.outputs['image-tag']).toMatch(DOCKER_TAG);
    expect(main.outputs.environment).toBe('dev');
  });
});
