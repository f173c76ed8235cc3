import type { StepProgress } from '../../test/harness/composite.js';
import type { StepReport } from './run-command.js';

export interface Writer {
  write(text: string): unknown;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

const MARK = { success: '✓', failure: '✗', skipped: '-' } as const;

/** Progress on stderr: a line when a step starts, its log (indented) and result when it ends. */
export function progressPrinter(stderr: Writer, verbose = false): (progress: StepProgress) => void {
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
    printLog(stderr, result.visibleLog, verbose);
    stderr.write(`${MARK[result.outcome]} ${result.label} (${seconds(result.durationMs)})\n`);
  };
}

export function printLog(stderr: Writer, log: string, verbose = true): void {
  // Workflow commands are for the runner; the person at the terminal reads their messages.
  const lines = (verbose ? log.split('\n') : briefLines(log))
    .filter((line) => line.trim() !== '' && !line.startsWith('::add-mask::'))
    .map(
      (line) => `  │ ${line.replace(/^::(error|warning|notice)[^:]*::/, (_m, kind: string) => `${kind}: `)}`,
    );
  if (lines.length > 0) stderr.write(`${lines.join('\n')}\n`);
}

const MESSAGE = /^::(error|warning|notice)[^:]*::/;

/**
 * What a person reads of a step's log by default: what the step says and the title of each group, its
 * warnings and errors wherever they are; not its ::debug:: lines nor what a group holds (a docker build's
 * every step), which --verbose shows.
 */
export function briefLines(log: string): string[] {
  const lines: string[] = [];
  let depth = 0;
  for (const line of log.split('\n')) {
    if (line.startsWith('::group::')) {
      if (depth === 0) lines.push(`${line.slice('::group::'.length)}…`);
      depth += 1;
    } else if (line.startsWith('::endgroup::')) {
      depth = Math.max(0, depth - 1);
    } else if (MESSAGE.test(line) || (depth === 0 && !line.startsWith('::debug::'))) {
      lines.push(line);
    }
  }
  return lines;
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
