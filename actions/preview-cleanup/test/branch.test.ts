import { describe, expect, it } from 'vitest';
import type { RunContext } from '../../lib/src/index.js';
import { endedBranch } from '../src/branch.js';

function context(eventName: string, payload: Record<string, unknown>, extra: Partial<RunContext> = {}) {
  return { eventName, payload, ref: '', headRef: '', ...extra } as RunContext;
}

describe('endedBranch', () => {
  it('takes the deleted branch of a delete event', () => {
    expect(endedBranch(context('delete', { ref: 'feature/login', ref_type: 'branch' }), undefined)).toEqual({
      name: 'feature/login',
      full: 'refs/heads/feature/login',
    });
  });

  it('refuses a deleted tag: a tag has no preview', () => {
    expect(() => endedBranch(context('delete', { ref: 'v1.2.0', ref_type: 'tag' }), undefined)).toThrow(
      /delete event is for a tag, not a branch/,
    );
  });

  it('takes the head branch of a closed pull request, not its merge ref', () => {
    const payload = { action: 'closed', pull_request: { head: { ref: 'fix/typo' } } };
    const ctx = context('pull_request', payload, { ref: 'refs/pull/7/merge' });
    expect(endedBranch(ctx, undefined).full).toBe('refs/heads/fix/typo');
  });

  it('lets the branch input win, as a short name or a full branch ref', () => {
    const push = context('push', {}, { ref: 'refs/heads/main' });
    expect(endedBranch(push, 'refs/heads/x').name).toBe('x');
    expect(endedBranch(push, 'x').full).toBe('refs/heads/x');
    expect(() => endedBranch(push, 'refs/tags/v1')).toThrow(/Invalid input 'branch'/);
  });

  it('says what to set when the event names no branch to end', () => {
    expect(() => endedBranch(context('push', {}, { ref: 'refs/heads/main' }), undefined)).toThrow(
      "Cannot tell which preview to end: the 'push' event names no deleted branch or pull request. Set the input 'branch'.",
    );
  });
});
