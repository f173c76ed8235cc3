import type { Writer } from '../output.js';

export type PhaseOutcome = 'success' | 'failure' | 'skipped';

export interface Phase {
  label: string;
  durationMs: number;
  outcome: PhaseOutcome;
  /** One short line: what the phase did (or why it failed). */
  detail: string;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** The demo's phases in order, each with its time: printed as it goes, summed up at the end. */
export class Timeline {
  readonly phases: Phase[] = [];

  constructor(
    private readonly out: Writer,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Runs one phase under a heading; `fn` returns the phase's detail line. A throw fails the phase. */
  async run(label: string, heading: string, fn: () => Promise<string>): Promise<void> {
    this.out.write(`\n== ${heading}\n`);
    const started = this.clock();
    try {
      const detail = await fn();
      this.add({ label, durationMs: this.clock() - started, outcome: 'success', detail });
      this.out.write(`✓ ${label} (${seconds(this.clock() - started)})\n`);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      this.add({ label, durationMs: this.clock() - started, outcome: 'failure', detail });
      this.out.write(`✗ ${label} (${seconds(this.clock() - started)}): ${detail}\n`);
      throw error;
    }
  }

  add(phase: Phase): void {
    this.phases.push(phase);
  }

  get succeeded(): boolean {
    return this.phases.every((phase) => phase.outcome !== 'failure');
  }

  /** The closing table: phase, result, time, what it did. */
  table(): string {
    const width = Math.max(...this.phases.map((phase) => phase.label.length));
    const mark = { success: '✓', failure: '✗', skipped: '-' } as const;
    return this.phases
      .map(
        (phase) =>
          `  ${mark[phase.outcome]} ${phase.label.padEnd(width)}  ${seconds(phase.durationMs).padStart(6)}  ${phase.detail}`,
      )
      .join('\n');
  }
}
