import { type RunContext, runUrl } from '../../lib/src/index.js';

/**
 * The `kubernetes.io/change-cause` of a deploy: what `kubectl rollout history` shows, so that a person on
 * the node can tell which commit, who and which run put each revision there.
 */
export function changeCause(image: string, context: RunContext): string {
  const parts = [`deploy ${image}`];
  if (context.sha) parts.push(`commit ${context.sha.slice(0, 12)}`);
  if (context.actor) parts.push(`by ${context.actor}`);
  const url = runUrl(context);
  if (url) parts.push(`run ${url}`);
  return parts.join(', ');
}
