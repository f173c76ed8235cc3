import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CommandResult } from '../../lib/src/index.js';
import type { RolloutSnapshot } from '../../lib/src/target/index.js';
import { run } from '../src/main.js';
import { FakeClock } from './fake-cluster.js';
import { completeRollout, podWaiting, rolloutWithNewPod } from './objects.js';

/** kubectl answering every poll with `snapshots` in turn (the last one repeats), recording argv. */
function scriptedKubectl(snapshots: RolloutSnapshot[]) {
  const calls: string[][] = [];
  let poll = 0;
  return {
    calls,
    async run(args: readonly string[]): Promise<CommandResult> {
      calls.push([...args]);
      const snapshot = snapshots[Math.min(poll, snapshots.length - 1)]!;
      if (args[0] === 'get' && args[1] === 'deployment') return ok(snapshot.deployment);
      if (args[0] === 'get' && args[1] === 'replicasets,pods') {
        poll++;
        return ok({
          items: [
            ...snapshot.replicaSets.map((rs) => ({ kind: 'ReplicaSet', ...rs })),
            ...snapshot.pods.map((p) => ({ kind: 'Pod', ...p })),
          ],
        });
      }
      if (args[0] === 'get' && args[1] === 'events') return ok({ items: [] });
      return { exitCode: 0, stdout: '', stderr: '' };
    },
  };
}

function ok(body: unknown): CommandResult {
  return { exitCode: 0, stdout: JSON.stringify(body), stderr: '' };
}

describe('run', () => {
  // One folder for the whole file: @actions/core keeps the summary file path it first saw.
  const dir = mkdtempSync(join(tmpdir(), 'rollout-wait-main-'));
  const saved = { ...process.env };

  beforeAll(() => {
    Object.assign(process.env, {
      GITHUB_OUTPUT: join(dir, 'output'),
      GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    });
  });

  beforeEach(() => {
    for (const file of ['output', 'summary']) writeFileSync(join(dir, file), '');
    Object.assign(process.env, { INPUT_NAMESPACE: 'shop', INPUT_DEPLOYMENT: 'guestbook-ui' });
  });

  afterEach(() => {
    delete process.env.INPUT_NAMESPACE;
    delete process.env.INPUT_DEPLOYMENT;
  });

  afterAll(() => {
    process.env = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  const outputs = () => readFileSync(join(dir, 'output'), 'utf8');

  it('sets the outputs and a short summary when the rollout succeeds, and closes the connection', async () => {
    const kubectl = scriptedKubectl([completeRollout(2)]);
    let closed = false;
    await run({
      open: async () => ({
        kubectl,
        close: async () => {
          closed = true;
        },
      }),
      clock: new FakeClock(),
    });
    expect(outputs()).toMatch(/^result<<.+\nsucceeded\n/m);
    expect(outputs()).toMatch(/^revision<<.+\n2\n/m);
    expect(readFileSync(join(dir, 'summary'), 'utf8')).toContain('rolled out');
    expect(closed).toBe(true);
  });

  it('fails the step after rolling back, naming the reason and the revision it went back to', async () => {
    const missingImage = podWaiting('ErrImagePull', 'reg/app:v9: not found');
    const kubectl = scriptedKubectl([rolloutWithNewPod(missingImage), completeRollout(3, 1, 2)]);
    let closed = false;
    const error = await run({
      open: async () => ({
        kubectl,
        close: async () => {
          closed = true;
        },
      }),
      clock: new FakeClock(),
    }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /^the rollout of deployment\/guestbook-ui failed: ErrImagePull in pod guestbook-ui-hash2-new, container errimagepullbackoff: reg\/app:v9: not found\. Rolled back to revision 1\.$/,
    );
    const patch = kubectl.calls.find((args) => args[0] === 'patch');
    expect(patch?.slice(0, 6)).toEqual([
      'patch',
      'deployment',
      'guestbook-ui',
      '--namespace',
      'shop',
      '--type=json',
    ]);
    // Only while the Deployment is still the judged one (generation 2), and to revision 1's image.
    expect(patch?.[6]).toMatch(/^--patch=\[\{"op":"test","path":"\/metadata\/generation","value":2\}/);
    expect(patch?.[6]).toContain(':r1"');
    expect(outputs()).toMatch(/^result<<.+\nrolled-back\n/m);
    expect(closed).toBe(true);
  });

  it('still gives a failed result when the node cannot be reached', async () => {
    const error = await run({
      open: async () => {
        throw new Error('Could not connect to SSH server deploy@node:22 after 3 attempt(s): ETIMEDOUT');
      },
      clock: new FakeClock(),
    }).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/^Could not connect/);
    expect(outputs()).toMatch(/^result<<.+\nfailed\n/m);
    expect(outputs()).toMatch(/^reason<<.+\nCould not connect to SSH server deploy@node:22/m);
  });

  it('rejects bad inputs before opening any connection', async () => {
    process.env.INPUT_NAMESPACE = 'Shop; rm -rf /';
    let opened = false;
    await expect(
      run({
        open: async () => {
          opened = true;
          throw new Error('must not connect');
        },
        clock: new FakeClock(),
      }),
    ).rejects.toThrow("Invalid input 'namespace'");
    expect(opened).toBe(false);
  });
});
