import { type Finding, SEVERITIES, type Severity, severityRank } from './findings.js';

export type FailOn = Severity | 'NONE';

export interface GatePolicy {
  /** The lowest severity that fails the gate; NONE reports without ever failing. */
  failOn: FailOn;
  /** Findings without a fixed version are dropped before counting, as `trivy --ignore-unfixed` does. */
  ignoreUnfixed: boolean;
  /** IDs from .trivyignore that are still in force. */
  ignoredIds: ReadonlySet<string>;
}

export type SeverityCounts = Record<Severity, number>;

export interface GateResult {
  /** Findings left after ignore-unfixed and .trivyignore: what the counts describe. */
  reported: Finding[];
  /** The reported findings at or above the fail-on severity. */
  failing: Finding[];
  counts: SeverityCounts;
  total: number;
  passed: boolean;
}

export function countBySeverity(findings: readonly Finding[]): SeverityCounts {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as SeverityCounts;
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}

export function applyGate(findings: readonly Finding[], policy: GatePolicy): GateResult {
  const reported = findings.filter(
    (f) => !policy.ignoredIds.has(f.id) && !(policy.ignoreUnfixed && f.fixedVersion === undefined),
  );
  const failing =
    policy.failOn === 'NONE'
      ? []
      : reported.filter((f) => severityRank(f.severity) >= severityRank(policy.failOn as Severity));
  // Most severe first so that the summary starts with what matters.
  failing.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.id.localeCompare(b.id));
  return {
    reported,
    failing,
    counts: countBySeverity(reported),
    total: reported.length,
    passed: failing.length === 0,
  };
}
