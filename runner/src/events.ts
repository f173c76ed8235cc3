import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

export type EventFixture = 'push' | 'push-tag' | 'pull_request' | 'workflow_dispatch' | 'delete';

/** A webhook event as the runner hands it to an action. */
export interface RunnerEvent {
  name: 'push' | 'pull_request' | 'workflow_dispatch' | 'delete';
  payload: Record<string, unknown>;
  /** GITHUB_SHA where the payload names no commit (workflow_dispatch: the head of the branch run on). */
  sha?: string;
}

/** A fresh copy of one of the payloads in runner/events, to change freely in a test. */
export function loadEvent(fixture: EventFixture): RunnerEvent {
  const payload = JSON.parse(readFileSync(join(repoRoot, 'runner', 'events', `${fixture}.json`), 'utf8'));
  const name = fixture === 'push-tag' ? 'push' : fixture;
  return { name, payload };
}

/** A push of `branch` (the push fixture with its ref changed). */
export function pushEvent(branch: string): RunnerEvent {
  const event = loadEvent('push');
  event.payload.ref = `refs/heads/${branch}`;
  return event;
}

/** A pull request from `headBranch` into main. */
export function pullRequestEvent(headBranch: string): RunnerEvent {
  const event = loadEvent('pull_request');
  const pr = event.payload.pull_request as { head: { ref: string; label: string } };
  pr.head.ref = headBranch;
  pr.head.label = `acme:${headBranch}`;
  return event;
}

/** A pull request from `headBranch`, closed (merged or not): what ends a preview. */
export function closedPullRequestEvent(headBranch: string): RunnerEvent {
  const event = pullRequestEvent(headBranch);
  event.payload.action = 'closed';
  return event;
}

/** The deletion of `branch`. */
export function deleteEvent(branch: string): RunnerEvent {
  const event = loadEvent('delete');
  event.payload.ref = branch;
  return event;
}

/** A manual run on `branch` with the given workflow_dispatch inputs. */
export function workflowDispatchEvent(branch: string, inputs: Record<string, string>): RunnerEvent {
  const event = loadEvent('workflow_dispatch');
  event.payload.ref = `refs/heads/${branch}`;
  event.payload.inputs = inputs;
  return event;
}

function shortRefName(ref: string): string {
  return ref.replace(/^refs\/(heads|tags)\//, '');
}

interface Repo {
  full_name: string;
}

/** The GITHUB_* variables GitHub derives from an event (see "Events that trigger workflows"). */
export function eventVariables(event: RunnerEvent): Record<string, string> {
  const p = event.payload as Record<string, unknown> & { repository: Repo; sender: { login: string } };
  const common = {
    GITHUB_EVENT_NAME: event.name,
    GITHUB_REPOSITORY: p.repository.full_name,
    GITHUB_REPOSITORY_OWNER: p.repository.full_name.split('/')[0] as string,
    GITHUB_ACTOR: p.sender.login,
    GITHUB_HEAD_REF: '',
    GITHUB_BASE_REF: '',
  };
  if (event.name === 'pull_request') {
    const pr = p.pull_request as {
      number: number;
      merge_commit_sha: string;
      head: { ref: string };
      base: { ref: string };
    };
    return {
      ...common,
      GITHUB_REF: `refs/pull/${pr.number}/merge`,
      GITHUB_REF_NAME: `${pr.number}/merge`,
      GITHUB_REF_TYPE: 'branch',
      GITHUB_HEAD_REF: pr.head.ref,
      GITHUB_BASE_REF: pr.base.ref,
      GITHUB_SHA: pr.merge_commit_sha,
    };
  }
  if (event.name === 'delete') {
    // The run belongs to the default branch: the deleted one is gone, and named in the payload only.
    const main = (p.repository as Repo & { default_branch: string }).default_branch;
    return {
      ...common,
      GITHUB_REF: `refs/heads/${main}`,
      GITHUB_REF_NAME: main,
      GITHUB_REF_TYPE: 'branch',
      GITHUB_SHA: event.sha ?? 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
    };
  }
  const ref = String(p.ref);
  // workflow_dispatch payloads carry no commit; the runner uses the branch head, which a test may give and
  // any fixed sha otherwise stands for.
  const sha =
    event.name === 'push' ? String(p.after) : (event.sha ?? 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678');
  return {
    ...common,
    GITHUB_REF: ref,
    GITHUB_REF_NAME: shortRefName(ref),
    GITHUB_REF_TYPE: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    GITHUB_SHA: sha,
  };
}
