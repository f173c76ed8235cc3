import type { StepProgress } from '../../runner/src/composite.js';
import { type LiveLogOptions, printLog } from './live-log.js';
import type { StepReport } from './run-command.js';

export interface Writer {
  write(text: string): unknown;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

const MARK = { success: '✓', failure: '✗', skipped: '-' } as const;

/** A pipeline's progress on stderr: a line when a step starts, its log (see LiveLog) and result when it ends. */
export function progressPrinter(stderr: Writer, log: LiveLogOptions = {}): (progress: StepProgress) => void {
  return (progress) => {
    if (progress.phase === 'start') {
      stderr.write(`▶ ${progress.label}\n`);
      return;
    }
    const result = progress.result;
    if (!result) return;
    if (result.outcome === 'skipped') {
      stderr.write(`- ${result.label} (skipped)\n`);
      return;
    }
    printLog(stderr, result.visibleLog, log);
    stderr.write(`${MARK[result.outcome]} ${result.label} (${seconds(result.durationMs)})\n`);
  };
}

/** The closing summary: each step, its result and how long it took. */
export function summary(steps: readonly StepReport[], succeeded: boolean): string {
  const width = Math.max(4, ...steps.map((step) => step.label.length));
  const rows = steps.map(
    (step) =>
      `  ${MARK[step.outcome]} ${step.label.padEnd(width)}  ${step.outcome.padEnd(7)}  ${seconds(step.durationMs)}`,
  );
  const errors = steps.flatMap((step) => step.errors.map((error) => `  ${step.label}: ${error}`));
  return [
    '',
    `${succeeded ? 'Succeeded' : 'FAILED'}:`,
    ...rows,
    ...(errors.length > 0 ? ['', 'Errors:', ...errors] : []),
    '',
  ].join('\n');
}

/** Outputs on stdout for scripts: `name=value` lines (multi-line values as name<<DELIMITER blocks) or JSON. */
export function formatOutputs(outputs: Record<string, string>, json: boolean): string {
  if (json) return `${JSON.stringify(outputs, null, 2)}\n`;
  return Object.entries(outputs)
    .map(([name, value]) =>
      value.includes('\n') ? `${name}<<K8S_SHIP_EOF\n${value}\nK8S_SHIP_EOF\n` : `${name}=${value}\n`,
    )
    .join('');
}
