import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ActionMetadata, inputEnvName } from '../../actions/lib/src/metadata.js';

/** A commit of this made-up push; any 40 hex digits do. */
const SHA = '9f2c1e8b7a6d5c4b3a29180f7e6d5c4b3a291807';

/**
 * The input defaults of every action as `INPUT_<NAME>` variables, the way the runner passes them. The
 * benchmark gives all actions one environment, so two actions that declare one input with different
 * defaults would each see the wrong one: that throws rather than measuring something else. A default that
 * is an expression (`${{ github.token }}`) becomes empty: this run has no token to give.
 */
export function inputDefaults(actions: readonly ActionMetadata[]): Record<string, string> {
  const env: Record<string, string> = {};
  const declaredBy: Record<string, string> = {};
  for (const action of actions) {
    for (const [name, input] of Object.entries(action.inputs)) {
      if (input.default === undefined) continue;
      const value = input.default.includes('${{') ? '' : input.default;
      const key = inputEnvName(name);
      const earlier = env[key];
      if (earlier !== undefined && earlier !== value) {
        throw new Error(
          `Input '${name}' defaults to '${earlier}' in ${declaredBy[key]} but '${value}' in ${action.name}: ` +
            'the benchmark cannot give both one environment',
        );
      }
      env[key] = value;
      declaredBy[key] = action.name;
    }
  }
  return env;
}

/**
 * What GitHub's runner gives a JavaScript action's process for a push to `main`: the event, the file
 * commands (fresh files in `dir`), and the run's variables. Only these reach the benchmarked processes,
 * plus PATH and HOME, so the machine's own environment cannot change what an action does.
 */
export function runnerEnvironment(dir: string): Record<string, string> {
  const temp = join(dir, 'runner-temp');
  const workspace = join(dir, 'workspace');
  mkdirSync(temp, { recursive: true });
  mkdirSync(workspace, { recursive: true });
  const eventPath = join(dir, 'event.json');
  writeFileSync(
    eventPath,
    JSON.stringify({
      ref: 'refs/heads/main',
      after: SHA,
      repository: { full_name: 'acme/shop', default_branch: 'main' },
    }),
  );
  const files = Object.fromEntries(
    ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_STEP_SUMMARY'].map((name) => {
      const path = join(dir, name.toLowerCase());
      writeFileSync(path, '');
      return [name, path];
    }),
  );
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_REF_TYPE: 'branch',
    GITHUB_SHA: SHA,
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_ACTOR: 'octo-dev',
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: temp,
    RUNNER_TOOL_CACHE: join(dir, 'tool-cache'),
    ...files,
  };
}
