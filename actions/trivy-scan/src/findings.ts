import type { TrivyReport } from '../../lib/src/trivy/report.js';

/** Trivy's severities, lowest first; the order is what the gate compares. */
export const SEVERITIES = ['UNKNOWN', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** One vulnerability in one package, whichever scanner found it. */
export interface Finding {
  id: string;
  packageName: string;
  installedVersion: string;
  /** Absent when no fixed version exists yet. */
  fixedVersion?: string;
  severity: Severity;
  title: string;
  url?: string;
  target: string;
}

export function toSeverity(value: string | undefined): Severity {
  const upper = (value ?? '').toUpperCase();
  return (SEVERITIES as readonly string[]).includes(upper) ? (upper as Severity) : 'UNKNOWN';
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** Flattens a Trivy report into findings: one per vulnerability and package, as Trivy counts them. */
export function findingsFromTrivyReport(report: TrivyReport): Finding[] {
  return (report.Results ?? []).flatMap((result) =>
    (result.Vulnerabilities ?? []).map((v) => ({
      id: v.VulnerabilityID,
      packageName: v.PkgName,
      installedVersion: v.InstalledVersion ?? '',
      fixedVersion: v.FixedVersion === undefined || v.FixedVersion === '' ? undefined : v.FixedVersion,
      severity: toSeverity(v.Severity),
      title: v.Title ?? '',
      url: v.PrimaryURL,
      target: result.Target,
    })),
  );
}
