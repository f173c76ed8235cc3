/*
 * How a progressive deploy reads in the job summary: a table of each step's figures and verdict, and two
 * Mermaid xycharts (GitHub renders them) of the new version's error ratio and p99 per step.
 */
import { paragraph, table } from '../../../lib/src/summary.js';
import { type AnalysisSettings, millis, percent } from './analysis.js';
import type { ProgressiveResult, StepReport } from './plan.js';

const percentOrDash = (ratio: number | undefined, digits = 2) =>
  ratio === undefined ? '–' : percent(ratio, digits);
const millisOrDash = (seconds: number | undefined) => (seconds === undefined ? '–' : millis(seconds));

function verdictText(step: StepReport): string {
  switch (step.verdict.outcome) {
    case 'pass':
      return 'pass';
    case 'fail':
      return `fail: ${step.verdict.reasons.join('; ')}`;
    case 'too-few-requests':
      return `no verdict: ${step.verdict.reasons.join('; ')}`;
  }
}

/** One value per step for a chart; a step without a figure draws at 0. */
const series = (values: (number | undefined)[]) =>
  `[${values.map((v) => Number((v ?? 0).toFixed(3))).join(', ')}]`;

/** A Mermaid xychart; labels are ours (step names), never user text. */
function chart(
  title: string,
  axis: string,
  labels: string[],
  values: (number | undefined)[],
  limit: number,
): string {
  const top = Math.max(limit, ...values.map((v) => v ?? 0)) * 1.2 || 1;
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${title}"`,
    `  x-axis [${labels.map((l) => `"${l}"`).join(', ')}]`,
    `  y-axis "${axis}" 0 --> ${Number(top.toPrecision(3))}`,
    `  bar ${series(values)}`,
    `  line ${series(labels.map(() => limit))}`,
    '```',
    '',
  ].join('\n');
}

export function summaryParts(result: ProgressiveResult, settings: AnalysisSettings): string[] {
  const { steps } = result;
  const headline =
    result.outcome === 'promoted'
      ? `${result.strategy}: promoted after ${steps.length} step(s); the stable Deployment runs the new version.`
      : `${result.strategy}: aborted; traffic is back on the stable version${
          result.rollbackSeconds === undefined
            ? ''
            : ` (${result.rollbackSeconds.toFixed(1)} s after the verdict)`
        }. ${result.reasons.join('; ')}`;
  const parts = [
    paragraph(headline),
    table(
      ['Step', 'Traffic share', 'Requests', 'Error ratio', 'p99', 'Window', 'Verdict'],
      steps.map((step) => [
        step.label,
        percentOrDash(step.weight, 0),
        step.figures.requests,
        percentOrDash(step.figures.errorRatio),
        millisOrDash(step.figures.p99Seconds),
        `${Math.round(step.seconds)} s`,
        verdictText(step),
      ]),
    ),
    paragraph(
      `Thresholds: error ratio ≤ ${percent(settings.maxErrorRatio)}, p99 ≤ ${millis(settings.maxP99Seconds)}, at least ${settings.minRequests} requests per step.`,
    ),
  ];
  if (steps.length > 0) {
    const labels = steps.map((step) => step.label);
    parts.push(
      chart(
        'New version: error ratio per step (%)',
        'error ratio (%)',
        labels,
        steps.map((s) => (s.figures.errorRatio === undefined ? undefined : s.figures.errorRatio * 100)),
        settings.maxErrorRatio * 100,
      ),
      chart(
        'New version: p99 latency per step (ms)',
        'p99 (ms)',
        labels,
        steps.map((s) => (s.figures.p99Seconds === undefined ? undefined : s.figures.p99Seconds * 1000)),
        settings.maxP99Seconds * 1000,
      ),
    );
  }
  return parts;
}

/** The `analysis` output: each step's figures, for a later step or a dashboard. */
export function analysisOutput(result: ProgressiveResult): string {
  return JSON.stringify(
    result.steps.map((step) => ({
      step: step.label,
      weight: Number(step.weight.toFixed(4)),
      requests: step.figures.requests,
      errors: step.figures.errors,
      errorRatio: step.figures.errorRatio ?? null,
      p99Seconds: step.figures.p99Seconds ?? null,
      seconds: Number(step.seconds.toFixed(1)),
      verdict: step.verdict.outcome,
    })),
  );
}
