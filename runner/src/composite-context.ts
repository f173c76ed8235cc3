import { eventVariables, type RunnerEvent } from './events.js';

/** Values the harness's runBundledAction also uses, so that both kinds of step see one run. */
export const RUN_ID = '9876543210';

/** The `github` context of a run, derived from its event the way GitHub derives it. */
export function githubContext(
  event: RunnerEvent,
  paths: { workspace: string; actionPath: string },
  token = '',
): Record<string, unknown> {
  const variables = eventVariables(event);
  return {
    event: event.payload,
    event_name: event.name,
    ref: variables.GITHUB_REF,
    ref_name: variables.GITHUB_REF_NAME,
    ref_type: variables.GITHUB_REF_TYPE,
    head_ref: variables.GITHUB_HEAD_REF,
    base_ref: variables.GITHUB_BASE_REF,
    sha: variables.GITHUB_SHA,
    repository: variables.GITHUB_REPOSITORY,
    repository_owner: variables.GITHUB_REPOSITORY_OWNER,
    actor: variables.GITHUB_ACTOR,
    run_id: RUN_ID,
    run_number: '17',
    run_attempt: '1',
    workflow: 'deploy',
    job: 'ship',
    server_url: 'https://github.com',
    api_url: 'https://api.github.com',
    workspace: paths.workspace,
    action_path: paths.actionPath,
    token,
  };
}

export function runnerContext(temp: string): Record<string, string> {
  return { os: 'Linux', arch: 'X64', name: 'harness', temp, tool_cache: `${temp}/tool-cache` };
}

/** What a `run:` step's shell gets from the runner, before the step's own env and file commands. */
export function runStepVariables(
  event: RunnerEvent,
  paths: { workspace: string; actionPath: string; eventPath: string; temp: string },
): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? paths.temp,
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKFLOW: 'deploy',
    GITHUB_JOB: 'ship',
    GITHUB_RUN_ID: RUN_ID,
    GITHUB_RUN_NUMBER: '17',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_WORKSPACE: paths.workspace,
    GITHUB_ACTION_PATH: paths.actionPath,
    GITHUB_EVENT_PATH: paths.eventPath,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'harness',
    RUNNER_TEMP: paths.temp,
    ...eventVariables(event),
  };
}
