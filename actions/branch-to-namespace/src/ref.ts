import { ConfigurationError, type RunContext } from '../../lib/src/index.js';

/** The git ref a run deploys: a branch or a tag, by its short name. */
export interface DeployRef {
  kind: 'branch' | 'tag';
  name: string;
  /** refs/heads/<name> or refs/tags/<name>. */
  full: string;
}

function fromFullRef(ref: string): DeployRef | undefined {
  if (ref.startsWith('refs/heads/')) return { kind: 'branch', name: ref.slice(11), full: ref };
  if (ref.startsWith('refs/tags/')) return { kind: 'tag', name: ref.slice(10), full: ref };
  return undefined;
}

function branch(name: string): DeployRef {
  return { kind: 'branch', name, full: `refs/heads/${name}` };
}

function stringAt(payload: Record<string, unknown>, ...path: string[]): string | undefined {
  let value: unknown = payload;
  for (const key of path)
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The ref to deploy: the `ref` input when given (a full ref or a branch name), else from the event: the
 * head branch of a pull request (not its merge ref), the pushed or dispatched ref otherwise.
 */
export function deployRef(context: RunContext, override: string | undefined): DeployRef {
  if (override !== undefined) return fromFullRef(override) ?? branch(override);
  const isPullRequest = context.eventName === 'pull_request' || context.eventName === 'pull_request_target';
  if (isPullRequest) {
    const head = stringAt(context.payload, 'pull_request', 'head', 'ref') ?? (context.headRef || undefined);
    if (head !== undefined) return branch(head);
  } else {
    const ref = stringAt(context.payload, 'ref') ?? context.ref;
    const parsed = fromFullRef(ref);
    if (parsed !== undefined && parsed.name !== '') return parsed;
  }
  throw new ConfigurationError(
    `Cannot tell which branch to deploy: the '${context.eventName || 'unknown'}' event has no branch or tag ref` +
      ` (GITHUB_REF '${context.ref}'). Set the input 'ref'.`,
  );
}
