import { code, details, heading, paragraph, table } from '../../lib/src/index.js';
import type { KubeEvent } from '../../lib/src/kubectl/index.js';
import type { PodDetails } from './failure-details.js';
import { formatProgress } from './progress.js';
import type { RolloutOutcome } from './rollout-wait.js';

const TITLES: Record<RolloutOutcome['result'], string> = {
  succeeded: 'rolled out',
  failed: 'failed',
  'rolled-back': 'failed and was rolled back',
  superseded: 'was superseded by another revision',
};

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function eventsTable(events: readonly KubeEvent[]): string {
  if (events.length === 0) return paragraph('No events recorded for this pod.');
  return table(
    ['Type', 'Reason', 'Count', 'Message'],
    events.map((e) => [e.type ?? '', e.reason ?? '', e.count ?? 1, e.message ?? '']),
  );
}

function podSection(d: PodDetails): string {
  const where = d.problem.container ? `${d.problem.pod} / ${d.problem.container}` : d.problem.pod;
  const logs =
    'text' in d.logs
      ? details(
          `Last log lines of ${where}${d.problem.restarted ? ' (previous instance)' : ''}`,
          d.logs.text || '(empty)',
        )
      : paragraph(`No logs of ${where}: ${d.logs.missing}.`);
  return `${details(`Events of pod ${d.problem.pod}`, { html: eventsTable(d.events) })}${logs}`;
}

/** The job summary of one run. Everything from the cluster (messages, events, logs) is escaped. */
export function rolloutSummary(namespace: string, deployment: string, outcome: RolloutOutcome): string[] {
  const parts = [heading(`deployment/${deployment} in ${namespace} ${TITLES[outcome.result]}`)];
  const facts: [string, string | ReturnType<typeof code>][] = [
    ['Result', code(outcome.result)],
    ['Reason', outcome.reason],
    ['Revision', outcome.revision === undefined ? 'unknown' : String(outcome.revision)],
    ['Duration', seconds(outcome.durationMs)],
  ];
  if (outcome.progress) facts.push(['Pods at the end of the watch', formatProgress(outcome.progress)]);
  if (outcome.rollback) {
    facts.push([
      'Rollback',
      outcome.rollback.ok
        ? `to revision ${outcome.rollback.toRevision}, available again after ${seconds(outcome.rollback.availableAfterMs)}`
        : `to revision ${outcome.rollback.toRevision} failed: ${outcome.rollback.reason}`,
    ]);
  }
  parts.push(table(['', ''], facts));
  if (outcome.failure && outcome.failure.problems.length > 0) {
    parts.push(
      heading('Failing pods', 3),
      table(
        ['Pod', 'Container', 'Reason', 'Message'],
        outcome.failure.problems.map((p) => [p.pod, p.container ?? '', p.reason, p.message]),
      ),
    );
  }
  for (const d of outcome.details) parts.push(podSection(d));
  return parts;
}
