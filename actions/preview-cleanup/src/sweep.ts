/*
 * The scheduled sweep: the previews nobody ended, because their branch went without a delete event this
 * workflow saw, or because they are simply old. Which ones are stale is decided here, from what the cluster
 * and GitHub say; deleting them is endPreview's, one by one.
 */
import { PREVIEW_ENVIRONMENT, PREVIEW_LABEL, previewNamespace } from '../../lib/src/derived-names.js';
import type { Namespace } from '../../lib/src/kubectl/index.js';

export interface SweepRule {
  prefix: string;
  /** A preview older than this is stale; absent: age alone never makes one stale. */
  maxAgeMs?: number;
  /** The repository's branches; absent (no token): a gone branch cannot be told. */
  liveBranches?: readonly string[];
  now: number;
}

export interface StalePreview {
  namespace: string;
  /** When the namespace was made (its creationTimestamp). */
  created: string;
  ageHours: number;
  reason: string;
}

function ageMs(namespace: Namespace, now: number): number {
  const created = Date.parse(namespace.metadata.creationTimestamp ?? '');
  return Number.isNaN(created) ? 0 : Math.max(0, now - created);
}

/** The previews (by label and name) that are stale, oldest first. Others' namespaces are not looked at. */
export function stalePreviews(namespaces: readonly Namespace[], rule: SweepRule): StalePreview[] {
  const live =
    rule.liveBranches === undefined
      ? undefined
      : new Set(rule.liveBranches.map((branch) => previewNamespace(rule.prefix, branch)));
  const prefix = `${rule.prefix}${PREVIEW_ENVIRONMENT}-`;
  const stale: StalePreview[] = [];
  for (const namespace of namespaces) {
    const name = namespace.metadata.name;
    if (!name.startsWith(prefix) || namespace.metadata.labels?.[PREVIEW_LABEL] !== 'true') continue;
    const age = ageMs(namespace, rule.now);
    const reasons = [
      live !== undefined && !live.has(name) && 'no branch maps to it any more',
      rule.maxAgeMs !== undefined && age > rule.maxAgeMs && `older than ${rule.maxAgeMs / 3_600_000} h`,
    ].filter((reason): reason is string => typeof reason === 'string');
    if (reasons.length === 0) continue;
    stale.push({
      namespace: name,
      created: namespace.metadata.creationTimestamp ?? '',
      ageHours: Math.floor(age / 3_600_000),
      reason: reasons.join('; '),
    });
  }
  return stale.sort((a, b) => b.ageHours - a.ageHours || a.namespace.localeCompare(b.namespace));
}
