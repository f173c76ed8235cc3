import { type Cell, heading, link, paragraph, table } from '../../lib/src/index.js';
import { type Finding, SEVERITIES } from './findings.js';
import type { GateResult } from './gate.js';

/** GitHub caps a step summary at 1 MiB; a long table is cut here and the rest counted. */
export const MAX_SUMMARY_ROWS = 200;

function idCell(finding: Finding): Cell {
  return finding.url === undefined ? finding.id : link(finding.id, finding.url);
}

/** The findings as an HTML table (the library escapes every cell: report text is untrusted). */
export function findingsTable(findings: readonly Finding[], maxRows = MAX_SUMMARY_ROWS): string {
  const rows = findings
    .slice(0, maxRows)
    .map((f): Cell[] => [
      idCell(f),
      f.packageName,
      f.installedVersion,
      f.fixedVersion ?? 'none',
      f.severity,
      f.title,
    ]);
  const rest = findings.length - rows.length;
  const cut = rest > 0 ? paragraph(`…and ${rest} more in the JSON report.`) : '';
  return table(['ID', 'Package', 'Installed', 'Fixed', 'Severity', 'Title'], rows) + cut;
}

export function scanSummary(scanner: string, scanned: string, gate: GateResult, failOn: string): string {
  const counts = [...SEVERITIES]
    .reverse()
    .map((s) => `${s}: ${gate.counts[s]}`)
    .join(' · ');
  const verdict = gate.passed
    ? `Passed: no finding at or above ${failOn}.`
    : `Failed: ${gate.failing.length} finding(s) at or above ${failOn}.`;
  const parts = [
    heading(`${scanner} scan of ${scanned}`),
    paragraph(verdict),
    paragraph(`${counts} · total: ${gate.total}`),
  ];
  if (!gate.passed) parts.push(findingsTable(gate.failing));
  return parts.join('');
}
