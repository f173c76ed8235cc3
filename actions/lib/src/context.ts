import { readFileSync } from 'node:fs';

/** What the runner tells an action about the run, read from its GITHUB_* variables. */
export interface RunContext {
  eventName: string;
  /** Full ref: refs/heads/main, refs/tags/v1.2.3, refs/pull/7/merge. */
  ref: string;
  refName: string;
  /** Source branch of a pull request; empty for other events. */
  headRef: string;
  baseRef: string;
  sha: string;
  repository: string;
  actor: string;
  runId: string;
  runAttempt: string;
  serverUrl: string;
  workflow: string;
  /** The webhook payload from GITHUB_EVENT_PATH; {} when there is none (e.g. the CLI). */
  payload: Record<string, unknown>;
}

function readPayload(path: string | undefined): Record<string, unknown> {
  if (!path) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(
      `Cannot read the event payload at GITHUB_EVENT_PATH '${path}': ${(error as Error).message}`,
    );
  }
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`The event payload at GITHUB_EVENT_PATH '${path}' is not a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    ref: env.GITHUB_REF ?? '',
    refName: env.GITHUB_REF_NAME ?? '',
    headRef: env.GITHUB_HEAD_REF ?? '',
    baseRef: env.GITHUB_BASE_REF ?? '',
    sha: env.GITHUB_SHA ?? '',
    repository: env.GITHUB_REPOSITORY ?? '',
    actor: env.GITHUB_ACTOR ?? '',
    runId: env.GITHUB_RUN_ID ?? '',
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? '1',
    serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
    workflow: env.GITHUB_WORKFLOW ?? '',
    payload: readPayload(env.GITHUB_EVENT_PATH),
  };
}

/** Link to this workflow run, for summaries and change-cause annotations; '' outside a run. */
export function runUrl(context: RunContext): string {
  if (!context.repository || !context.runId) return '';
  return `${context.serverUrl}/${context.repository}/actions/runs/${context.runId}`;
}
