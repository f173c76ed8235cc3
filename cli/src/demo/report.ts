import { readFileSync } from 'node:fs';
import type { DemoResult } from './demo.js';
import { type Phase, seconds } from './timeline.js';

// From the source to a ready service: the bundle, the base images and the pipeline up to the rollout.
const BUILD_TO_READY = [
  'bundle',
  'base images',
  'target',
  'build',
  'push',
  'build+push',
  'scan',
  'tag',
  'deploy',
  'rollout',
];

/** The time from building the service to the rollout's end: the sum of those phases. */
export function buildToReadyMs(phases: readonly Phase[]): number {
  return phases
    .filter((phase) => BUILD_TO_READY.includes(phase.label))
    .reduce((sum, phase) => sum + phase.durationMs, 0);
}

function whereToLook(result: DemoResult): string[] {
  const { endpoints, outputs, answers } = result;
  if (!endpoints) return [];
  const namespace = outputs.namespace ?? 'dev';
  const kubectl = `KUBECONFIG=${endpoints.kube.kubeconfig} kubectl`;
  return [
    '',
    'Where to look:',
    `  kubectl      ${kubectl} -n ${namespace} get deployment,replicaset,pods,service`,
    `               ${kubectl} -n ${namespace} rollout history deployment/metrics-api`,
    `               ${kubectl} -n ${namespace} logs deployment/metrics-api`,
    ...(answers
      ? [
          `  the service  ${answers.url}/health  /info  /metrics/system  /metrics  (the sandbox's service proxy)`,
        ]
      : []),
    `  registry     ${endpoints.registry.url}  (user ${endpoints.registry.username}, password in ${endpoints.registry.credentialsFile})`,
    ...(outputs['report-path'] ? [`  scan report  ${outputs['report-path']}`] : []),
    '  run again    npm run demo            (a new image: an update rollout)',
    '  stop         npm run sandbox -- down (the demo leaves the sandbox up for you)',
  ];
}

interface ReportedVulnerability {
  VulnerabilityID?: string;
  PkgName?: string;
  InstalledVersion?: string;
  FixedVersion?: string;
  Status?: string;
  Severity?: string;
}

/** The scan's findings for the image, one line each, read from Trivy's JSON report. */
export function scanFindings(reportPath: string | undefined): string[] {
  if (!reportPath) return [];
  let report: { Results?: { Target?: string; Vulnerabilities?: ReportedVulnerability[] }[] };
  try {
    report = JSON.parse(readFileSync(reportPath, 'utf8'));
  } catch {
    return [];
  }
  const rows = (report.Results ?? []).flatMap((result) =>
    (result.Vulnerabilities ?? []).map(
      (v) =>
        `  ${(v.Severity ?? 'UNKNOWN').padEnd(8)} ${(v.VulnerabilityID ?? '?').padEnd(16)} ${v.PkgName ?? '?'} ${v.InstalledVersion ?? '?'}, fixed in ${v.FixedVersion || `none yet (${v.Status ?? 'affected'})`}`,
    ),
  );
  return rows.length === 0
    ? ['', 'Scan findings: none.']
    : ['', `Scan findings (${rows.length}; severity, ID, package, installed version, fix):`, ...rows];
}

/** What ran, how long each phase took, and where to look next. */
export function closingReport(result: DemoResult): string {
  const { timeline, outputs } = result;
  const total = timeline.phases.reduce((sum, phase) => sum + phase.durationMs, 0);
  const what =
    result.succeeded && outputs['image-ref']
      ? [
          `Deployed ${outputs['image-ref']}`,
          `to ${outputs.namespace} (environment ${outputs.environment}), revision ${outputs.revision}: ${outputs.reason}`,
        ]
      : [];
  return `${[
    '',
    '────────────────────────────────────────────────────────────────────────',
    result.succeeded ? 'Demo succeeded: the whole pipeline ran on the local sandbox.' : 'Demo FAILED.',
    ...what,
    '',
    timeline.table(),
    '',
    `  build→ready ${seconds(buildToReadyMs(timeline.phases))}   all phases ${seconds(total)}`,
    ...scanFindings(outputs['report-path']),
    ...whereToLook(result),
  ].join('\n')}\n`;
}
