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
    ...(outputs['report-path']
      ? [`  scan report  ${outputs['report-path']}  (the stand-in's recorded report)`]
      : []),
    '  run again    npm run demo            (a new image: an update rollout)',
    '  stop         npm run sandbox -- down (the demo leaves the sandbox up for you)',
  ];
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
    ...whereToLook(result),
  ].join('\n')}\n`;
}
