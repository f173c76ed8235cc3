import { execFileSync } from 'node:child_process';
import { basename } from 'node:path';
import type { RunnerEvent } from '../../runner/src/events.js';
import type { GlobalFlag } from './arguments.js';
import { UsageError } from './usage-error.js';

function git(workspace: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, {
      cwd: workspace,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

/** owner/name from an origin URL like git@github.com:acme/shop.git or https://github.com/acme/shop. */
function repositoryFromRemote(url: string | undefined): string | undefined {
  const match = url ? /[:/]([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(url) : null;
  return match ? `${match[1]}/${match[2]}` : undefined;
}

const EVENTS = ['push', 'workflow_dispatch'] as const;

/**
 * The event GitHub would have sent for what is being shipped: a push (the default) or a manual
 * workflow_dispatch run with its `environment` choice; branch or tag, commit and repository from the flags,
 * else from the workspace's git checkout. Missing or invalid values are usage errors naming the flag.
 */
export function runEventFor(
  globals: Partial<Record<GlobalFlag, string>>,
  workspace: string,
  environmentChoice?: string,
): RunnerEvent {
  const name = globals.event ?? 'push';
  if (!(EVENTS as readonly string[]).includes(name)) {
    throw new UsageError(`Invalid --event '${name}'. Expected one of: ${EVENTS.join(', ')}.`);
  }
  if (name === 'workflow_dispatch' && globals.tag !== undefined) {
    throw new UsageError('A workflow_dispatch run is on a branch: give --branch, not --tag.');
  }
  const push = pushEventFor(globals, workspace);
  if (name === 'push') return push;
  const { ref, repository, sender, after } = push.payload as Record<string, unknown>;
  return {
    name: 'workflow_dispatch',
    payload: { ref, repository, sender, inputs: environmentChoice ? { environment: environmentChoice } : {} },
    sha: String(after),
  };
}

/**
 * The push event GitHub would have sent for what is being shipped: branch or tag, commit and repository
 * from the flags, else from the workspace's git checkout. Missing values are usage errors naming the flag.
 */
function pushEventFor(globals: Partial<Record<GlobalFlag, string>>, workspace: string): RunnerEvent {
  if (globals.branch !== undefined && globals.tag !== undefined) {
    throw new UsageError('Give --branch or --tag, not both.');
  }
  let ref: string;
  if (globals.tag !== undefined) ref = `refs/tags/${globals.tag}`;
  else {
    const branch = globals.branch ?? git(workspace, ['symbolic-ref', '--short', '-q', 'HEAD']);
    if (!branch) {
      throw new UsageError(
        `No branch: ${workspace} is not on a git branch. Give --branch NAME or --tag NAME.`,
      );
    }
    ref = `refs/heads/${branch}`;
  }
  const sha = globals.sha ?? git(workspace, ['rev-parse', 'HEAD']);
  if (!sha || !/^[0-9a-f]{40}$/.test(sha)) {
    throw new UsageError(
      `Invalid or missing commit ${sha === undefined ? '(no git checkout)' : `'${sha}'`}: give --sha with a 40-character commit id.`,
    );
  }
  const repository =
    globals['github-repository'] ??
    repositoryFromRemote(git(workspace, ['remote', 'get-url', 'origin'])) ??
    `local/${basename(workspace)}`;
  if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) {
    throw new UsageError(`Invalid --github-repository '${repository}'. Expected owner/name.`);
  }
  const [owner] = repository.split('/') as [string, string];
  const user = process.env.USER ?? 'local';
  return {
    name: 'push',
    payload: {
      ref,
      before: '0'.repeat(40),
      after: sha,
      repository: { full_name: repository, name: repository.split('/')[1], owner: { login: owner } },
      sender: { login: user },
      pusher: { name: user },
      head_commit: { id: sha },
    },
  };
}
