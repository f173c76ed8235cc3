import { describe, expect, it } from 'vitest';
import { eventVariables } from '../../runner/src/events.js';
import { runEventFor } from '../src/git-context.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const flags = { branch: 'feature/x', sha: SHA, 'github-repository': 'acme/shop' };

describe('runEventFor()', () => {
  it('gives a push of the branch by default', () => {
    const event = runEventFor(flags, '.');
    expect(event.name).toBe('push');
    expect(eventVariables(event)).toMatchObject({
      GITHUB_EVENT_NAME: 'push',
      GITHUB_REF: 'refs/heads/feature/x',
      GITHUB_SHA: SHA,
      GITHUB_REPOSITORY: 'acme/shop',
    });
  });

  it('gives a manual run on the branch, its environment choice in the payload and its commit as GITHUB_SHA', () => {
    const event = runEventFor({ ...flags, event: 'workflow_dispatch' }, '.', 'stage');
    expect(event.name).toBe('workflow_dispatch');
    expect(event.payload).toMatchObject({ ref: 'refs/heads/feature/x', inputs: { environment: 'stage' } });
    expect(event.payload).not.toHaveProperty('head_commit');
    expect(eventVariables(event)).toMatchObject({
      GITHUB_EVENT_NAME: 'workflow_dispatch',
      GITHUB_REF_NAME: 'feature/x',
      GITHUB_SHA: SHA,
    });
  });

  it('leaves the choice out when no environment is given', () => {
    expect(runEventFor({ ...flags, event: 'workflow_dispatch' }, '.').payload.inputs).toEqual({});
  });

  it('refuses other events and a manual run on a tag, naming the flag', () => {
    expect(() => runEventFor({ ...flags, event: 'schedule' }, '.')).toThrow(
      "Invalid --event 'schedule'. Expected one of: push, workflow_dispatch.",
    );
    expect(() => runEventFor({ tag: 'v1.0.0', sha: SHA, event: 'workflow_dispatch' }, '.')).toThrow(
      'A workflow_dispatch run is on a branch: give --branch, not --tag.',
    );
  });
});
