import { code, paragraph, table } from '../../lib/src/index.js';
import type { EndPreviewReport } from './end-preview.js';
import type { StalePreview } from './sweep.js';

const ENVIRONMENT: Record<EndPreviewReport['environment'], string> = {
  deleted: 'deleted',
  absent: 'already gone',
  kept: 'kept (delete-environment: false)',
  'no-token': 'not touched (no token)',
  'not-permitted': 'kept: the token may not delete environments',
};

/** One row per preview ended: what happened on the cluster and on GitHub. */
export function cleanupSummary(branch: string, report: EndPreviewReport): string[] {
  const deployments = report.deployments
    ? `${report.deployments.marked} marked inactive, ${report.deployments.alreadyInactive} already`
    : '—';
  const parts: string[] = [
    table(
      ['Branch', 'Namespace', 'Cluster', 'GitHub deployments', 'GitHub environment'],
      [
        [
          code(branch),
          code(report.namespace),
          report.cluster === 'deleted' ? 'deleted' : 'already gone',
          deployments,
          ENVIRONMENT[report.environment],
        ],
      ],
    ),
  ];
  if (report.environmentMessage) parts.push(paragraph(report.environmentMessage));
  return parts;
}

/** The sweep's table: every stale preview, and what became of it. */
export function sweepSummary(
  stale: readonly StalePreview[],
  outcome: { dryRun: boolean; ended: readonly string[]; failed: readonly string[] },
): string[] {
  if (stale.length === 0) return [paragraph('No stale previews.')];
  const fate = (namespace: string) => {
    if (outcome.dryRun) return 'would be deleted (dry run)';
    if (outcome.ended.includes(namespace)) return 'deleted';
    return outcome.failed.find((line) => line.startsWith(`${namespace}:`))?.slice(namespace.length + 2) ?? '';
  };
  return [
    table(
      ['Namespace', 'Created', 'Age', 'Why stale', 'Outcome'],
      stale.map((preview) => [
        code(preview.namespace),
        preview.created,
        `${preview.ageHours} h`,
        preview.reason,
        fate(preview.namespace),
      ]),
    ),
  ];
}
