import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pullRequestEvent } from '../src/events.js';
import { NODE_RUNTIMES } from '../src/paths.js';
import { type OutputLine, runBundledAction } from '../src/run-bundle.js';

const probe = join(import.meta.dirname, 'fixtures', 'contract-action');

describe.each(NODE_RUNTIMES)('runBundledAction() under %s', (node) => {
  it('gives the action its inputs with defaults, the event, and reads every file command back', async () => {
    const run = await runBundledAction({
      actionDir: probe,
      node,
      inputs: { password: 'hunter2-secret' },
      event: pullRequestEvent('feature/probe'),
      githubToken: 'ghs_harnessFakeToken0000000000000000000',
    });
    expect(run.main.exitCode).toBe(0);
    const seen = JSON.parse(run.main.outputs.seen as string);
    expect(seen).toMatchObject({
      greeting: 'hello',
      token: 'ghs_harnessFakeToken0000000000000000000',
      password: 'hunter2-secret',
      eventName: 'pull_request',
      ref: 'refs/pull/57/merge',
      headRef: 'feature/probe',
      repository: 'acme/shop',
      actor: 'octo-dev',
      payloadRef: null,
      runnerTemp: true,
      cwdIsWorkspace: true,
      leakedFromHarness: [],
    });
    expect(seen.node).toBe(node === 'node24' ? '24' : process.versions.node.split('.')[0]);
    expect(run.main.outputs.plain).toBe('a=b');
    expect(run.main.state).toEqual({ cleanup: 'line 1\nline 2' });
    expect(run.main.exportedEnv).toEqual({ PROBE_EXPORTED: 'from-main' });
    expect(run.main.summary).toBe('## Probe\n');
    expect(run.main.warnings).toEqual(['careful\nnext line']);
    expect(run.main.masks).toEqual(['hunter2-secret']);
    expect(run.main.stdout).toContain('password is hunter2-secret');
    expect(run.main.visibleLog).toContain('password is ***');
    expect(run.main.visibleLog).not.toContain('hunter2-secret\n');
  });

  it('runs post with STATE_* from main, main’s exported env and path, and the same inputs', async () => {
    const run = await runBundledAction({ actionDir: probe, node, inputs: { greeting: 'hi' } });
    expect(JSON.parse(run.post?.outputs['post-seen'] as string)).toEqual({
      cleanup: 'line 1\nline 2',
      exported: 'from-main',
      pathHasProbe: true,
      greeting: 'hi',
    });
  });

  it('reports a failing main step: exit code and ::error:: message, post still runs (post-if always)', async () => {
    const run = await runBundledAction({ actionDir: probe, node, inputs: { fail: 'true' } });
    expect(run.main.exitCode).toBe(1);
    expect(run.main.errors).toEqual(['probe failed on purpose']);
    expect(run.post?.exitCode).toBe(0);
  });
});

describe('runBundledAction() onOutput', () => {
  it('passes each line on while the step runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'live-probe-'));
    try {
      const releaseFile = join(dir, 'release');
      const lines: string[] = [];
      // The probe waits for this file after its first lines: only a line passed on live can create it.
      const run = await runBundledAction({
        actionDir: join(import.meta.dirname, 'fixtures', 'live-action'),
        node: 'local',
        inputs: { 'release-file': releaseFile },
        onOutput: (line) => {
          lines.push(line.text);
          if (line.text.startsWith('waiting for ')) writeFileSync(releaseFile, '');
        },
      });
      expect(run.main.exitCode, run.main.visibleLog).toBe(0);
      expect(lines).toEqual([
        '::group::Wait for release',
        `waiting for ${releaseFile}`,
        'released',
        '::endgroup::',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('masks each line from its ::add-mask:: on, in main and then post, and passes a last unfinished line', async () => {
    const lines: OutputLine[] = [];
    await runBundledAction({
      actionDir: probe,
      node: 'local',
      inputs: { password: 'hunter2-secret' },
      onOutput: (line) => lines.push(line),
    });
    expect(lines).toEqual([
      { step: 'main', stream: 'stdout', text: '::add-mask::***' },
      { step: 'main', stream: 'stdout', text: 'password is ***' },
      { step: 'main', stream: 'stdout', text: '::warning file=main.js,line=3::careful%0Anext line' },
      { step: 'post', stream: 'stdout', text: 'cleaned up after ***' },
    ]);
  });
});

describe('runBundledAction() without a githubToken', () => {
  it('gives github.token defaults an empty token, as the CLI has none', async () => {
    const run = await runBundledAction({ actionDir: probe, node: 'local' });
    expect(JSON.parse(run.main.outputs.seen as string).token).toBe('');
  });
});

describe('runBundledAction() input checks', () => {
  it('refuses inputs that action.yml does not declare, like a typo in with:', async () => {
    await expect(
      runBundledAction({ actionDir: probe, node: 'local', inputs: { greting: 'x' } }),
    ).rejects.toThrow('harness: unexpected input(s) greting for Contract probe');
  });
});
