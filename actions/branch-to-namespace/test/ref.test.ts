import { describe, expect, it } from 'vitest';
import type { RunContext } from '../../lib/src/index.js';
import { deployRef } from '../src/ref.js';

function context(overrides: Partial<RunContext>): RunContext {
  return {
    eventName: 'push',
    ref: '',
    refName: '',
    headRef: '',
    baseRef: '',
    sha: '',
    repository: 'acme/shop',
    actor: 'octo',
    runId: '1',
    runAttempt: '1',
    serverUrl: 'https://github.com',
    workflow: 'deploy',
    payload: {},
    ...overrides,
  };
}

describe('deployRef()', () => {
  it('reads a pushed branch from the payload', () => {
    expect(deployRef(context({ payload: { ref: 'refs/heads/feature/a' } }), undefined)).toEqual({
      kind: 'branch',
      name: 'feature/a',
      full: 'refs/heads/feature/a',
    });
  });

  it('reads a pushed tag', () => {
    expect(deployRef(context({ payload: { ref: 'refs/tags/v1.0.0' } }), undefined).kind).toBe('tag');
  });

  it('uses the head branch of a pull request, not its merge ref', () => {
    const ctx = context({
      eventName: 'pull_request',
      ref: 'refs/pull/5/merge',
      payload: { pull_request: { head: { ref: 'feature/pr' } } },
    });
    expect(deployRef(ctx, undefined).name).toBe('feature/pr');
    expect(
      deployRef(context({ eventName: 'pull_request_target', headRef: 'from-env' }), undefined).name,
    ).toBe('from-env');
  });

  it('falls back to GITHUB_REF when the payload has no ref', () => {
    expect(deployRef(context({ eventName: 'schedule', ref: 'refs/heads/main' }), undefined).name).toBe(
      'main',
    );
  });

  it('prefers the ref input, as a full ref or a branch name', () => {
    const ctx = context({ payload: { ref: 'refs/heads/main' } });
    expect(deployRef(ctx, 'refs/tags/v2')).toEqual({ kind: 'tag', name: 'v2', full: 'refs/tags/v2' });
    expect(deployRef(ctx, 'hotfix/x').full).toBe('refs/heads/hotfix/x');
  });

  it('says which event had no usable ref', () => {
    expect(() =>
      deployRef(context({ eventName: 'pull_request', ref: 'refs/pull/5/merge' }), undefined),
    ).toThrow(
      "Cannot tell which branch to deploy: the 'pull_request' event has no branch or tag ref (GITHUB_REF 'refs/pull/5/merge'). Set the input 'ref'.",
    );
  });
});
