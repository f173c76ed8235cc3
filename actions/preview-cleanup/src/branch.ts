import { ConfigurationError, type RunContext } from '../../lib/src/index.js';

/** The branch whose preview ends, by its short name and its full ref. */
export interface EndedBranch {
  name: string;
  full: string;
}

function stringAt(payload: Record<string, unknown>, ...path: string[]): string | undefined {
  let value: unknown = payload;
  for (const key of path)
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function branch(name: string): EndedBranch {
  const short = name.startsWith('refs/heads/') ? name.slice('refs/heads/'.length) : name;
  return { name: short, full: `refs/heads/${short}` };
}

/**
 * The branch from the `branch` input, else from the event: the deleted branch of a `delete` event, the
 * head branch of a closed pull request. A deleted tag has no preview: that is refused, not guessed.
 */
export function endedBranch(context: RunContext, override: string | undefined): EndedBranch {
  if (override !== undefined) {
    if (override.startsWith('refs/') && !override.startsWith('refs/heads/'))
      throw ConfigurationError.invalidInput('branch', override, 'a branch name or refs/heads/<name>');
    return branch(override);
  }
  const { payload, eventName } = context;
  if (eventName === 'delete') {
    const kind = stringAt(payload, 'ref_type');
    const ref = stringAt(payload, 'ref');
    if (kind === 'branch' && ref !== undefined) return branch(ref);
    throw new ConfigurationError(
      `The delete event is for a ${kind ?? 'ref of unknown kind'}, not a branch: a tag has no preview to end.`,
    );
  }
  if (eventName === 'pull_request' || eventName === 'pull_request_target') {
    const head = stringAt(payload, 'pull_request', 'head', 'ref') ?? (context.headRef || undefined);
    if (head !== undefined) return branch(head);
  }
  throw new ConfigurationError(
    `Cannot tell which preview to end: the '${eventName || 'unknown'}' event names no deleted branch or ` +
      "pull request. Set the input 'branch'.",
  );
}
