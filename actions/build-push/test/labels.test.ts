import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ProcessCommandRunner } from '../../lib/src/index.js';
import { FakeCommandRunner } from '../../lib/test/fakes/command-runner.js';
import { imageCreatedTime, ociLabels, parseLabels } from '../src/labels.js';

describe('ociLabels', () => {
  test('names source, revision, created and version', () => {
    expect(
      ociLabels({
        serverUrl: 'https://github.com',
        repository: 'acme/shop',
        sha: 'abc',
        version: '1.2.3',
        created: new Date('2025-01-02T03:04:05Z'),
      }),
    ).toEqual({
      'org.opencontainers.image.source': 'https://github.com/acme/shop',
      'org.opencontainers.image.revision': 'abc',
      'org.opencontainers.image.created': '2025-01-02T03:04:05.000Z',
      'org.opencontainers.image.version': '1.2.3',
    });
  });
});

describe('parseLabels', () => {
  test('keeps everything after the first = as the value', () => {
    expect(parseLabels('labels', ['team=payments', 'org.example.query=a=b'])).toEqual({
      team: 'payments',
      'org.example.query': 'a=b',
    });
  });

  test.each([['no-equals'], ['=value'], ['bad key=v']])('rejects %j naming the input', (line) => {
    expect(() => parseLabels('labels', [line])).toThrow(
      /Invalid input 'labels'.*Expected one key=value a line/,
    );
  });
});

describe('imageCreatedTime', () => {
  const sha = 'a'.repeat(40);
  const clock = () => Date.parse('2030-01-01T00:00:00Z');
  const noGit = new FakeCommandRunner(() => ({ exitCode: 128, stderr: 'fatal: not a git repository' }));
  const base = { env: {}, payload: {}, runner: noGit, context: '.', sha, now: clock };

  test('SOURCE_DATE_EPOCH wins over everything else', async () => {
    const created = await imageCreatedTime({ ...base, env: { SOURCE_DATE_EPOCH: '1700000000' } });
    expect(created.toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(noGit.calls).toHaveLength(0);
  });

  test('a SOURCE_DATE_EPOCH that is not whole seconds is a configuration error naming it', async () => {
    await expect(imageCreatedTime({ ...base, env: { SOURCE_DATE_EPOCH: 'yesterday' } })).rejects.toThrow(
      /Invalid SOURCE_DATE_EPOCH 'yesterday'/,
    );
  });

  test('takes the commit time git records for the sha in the build context', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'created-'));
    try {
      const git = (...args: string[]) =>
        execFileSync('git', ['-C', repo, ...args], {
          encoding: 'utf8',
          env: {
            ...process.env,
            GIT_AUTHOR_NAME: 't',
            GIT_AUTHOR_EMAIL: 't@example.invalid',
            GIT_COMMITTER_NAME: 't',
            GIT_COMMITTER_EMAIL: 't@example.invalid',
            GIT_COMMITTER_DATE: '2024-05-06T07:08:09Z',
          },
        }).trim();
      git('init', '-q');
      writeFileSync(join(repo, 'Dockerfile'), 'FROM scratch\n');
      git('add', 'Dockerfile');
      git('commit', '-q', '-m', 'image');
      const head = git('rev-parse', 'HEAD');
      const first = await imageCreatedTime({
        ...base,
        runner: new ProcessCommandRunner(),
        context: repo,
        sha: head,
      });
      const again = await imageCreatedTime({
        ...base,
        runner: new ProcessCommandRunner(),
        context: repo,
        sha: head,
      });
      expect(first.toISOString()).toBe('2024-05-06T07:08:09.000Z');
      expect(again).toEqual(first);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  test("falls back to the pushed head commit's timestamp, then to the clock", async () => {
    const pushed = await imageCreatedTime({
      ...base,
      payload: { head_commit: { timestamp: '2025-02-03T04:05:06+01:00' } },
    });
    expect(pushed.toISOString()).toBe('2025-02-03T03:05:06.000Z');
    expect((await imageCreatedTime(base)).toISOString()).toBe('2030-01-01T00:00:00.000Z');
  });

  test('never hands git a sha that is not hexadecimal', async () => {
    const runner = new FakeCommandRunner();
    await imageCreatedTime({ ...base, runner, sha: '--upload-pack=touch /tmp/x' });
    expect(runner.calls).toHaveLength(0);
  });
});
