import type { OutputLine } from '../../runner/src/run-bundle.js';
import { applyMasks, maskParts, parseWorkflowCommands } from '../../runner/src/runner-files.js';
import type { Writer } from './output.js';

/*
 * What a person at the terminal reads of a step's log, line by line as the step prints it: the same view
 * while an action runs (live) and for a pipeline step's log printed when it ends.
 *
 * By default (brief): every line the step prints outside a group, the title of each group, every warning,
 * error and notice wherever it is; inside a group at most one line per few seconds, the latest, so that a
 * long phase (a rollout's readiness wait) shows where it is while a chatty one (each docker build step)
 * stays short, and a count of the lines left out. --verbose: every line, debug lines included.
 * Always: workflow commands are read, never printed as they are, and masked values are never printed.
 */

export interface LiveLogOptions {
  /** Every line (group contents, debug lines), not the brief view. */
  verbose?: boolean;
  /** Values never to print (the CLI's secret inputs), besides those the step masks with ::add-mask::. */
  masks?: readonly string[];
  now?: () => number;
  /** Brief view, inside a group: at most one line per this many milliseconds. */
  quietMs?: number;
}

export const QUIET_MS = 5000;
const PREFIX = '  │ ';
const INNER = '  │   ';
/** Commands the runner acts on without printing anything. */
const SILENT = new Set([
  'add-mask',
  'set-output',
  'save-state',
  'set-env',
  'add-path',
  'add-matcher',
  'remove-matcher',
  'echo',
  'endgroup',
  'stop-commands',
]);
const ANNOTATIONS = new Set(['error', 'warning', 'notice']);

function location(properties: Record<string, string>): string {
  const { file, line, col } = properties;
  if (!file) return '';
  return ` (${[file, line, line && col].filter(Boolean).join(':')})`;
}

/** One step's log as the person reads it; feed it each line with push(), then end(). */
export class LiveLog {
  readonly masks: string[];
  private readonly verbose: boolean;
  private readonly now: () => number;
  private readonly quietMs: number;
  private depth = 0;
  /** After ::stop-commands::TOKEN, until ::TOKEN::, lines are text. */
  private stopToken: string | undefined;
  private lastShown = Number.NEGATIVE_INFINITY;
  /** The latest line of the group not shown yet (brief view). */
  private held: string | undefined;
  /** Lines of the group left out since the last one shown. */
  private leftOut = 0;

  constructor(options: LiveLogOptions = {}) {
    this.verbose = options.verbose ?? false;
    this.masks = (options.masks ?? []).flatMap(maskParts);
    this.now = options.now ?? Date.now;
    this.quietMs = options.quietMs ?? QUIET_MS;
  }

  /** One line the step printed (without its line break): the lines to print now. */
  push(line: string): string[] {
    const out = this.due();
    if (this.stopToken !== undefined) {
      if (line === `::${this.stopToken}::`) this.stopToken = undefined;
      else out.push(...this.text(line));
      return this.masked(out);
    }
    const command = line.startsWith('::') ? parseWorkflowCommands(line)[0] : undefined;
    if (!command) {
      out.push(...this.text(line));
    } else if (command.command === 'add-mask') {
      if (command.message !== '***') this.masks.push(...maskParts(command.message));
    } else if (command.command === 'stop-commands') {
      this.stopToken = command.message;
    } else if (command.command === 'group') {
      out.push(...this.flush());
      if (this.depth === 0 || this.verbose) out.push(`${this.indent()}${command.message}…`);
      this.depth += 1;
      this.lastShown = Number.NEGATIVE_INFINITY;
    } else if (command.command === 'endgroup') {
      out.push(...this.flush());
      this.depth = Math.max(0, this.depth - 1);
    } else if (ANNOTATIONS.has(command.command)) {
      out.push(...this.flush());
      const title = command.properties.title ? `${command.properties.title}: ` : '';
      const [first, ...rest] = command.message.split(/\r?\n/);
      const text = [`${first}${location(command.properties)}`, ...rest].join('\n');
      out.push(...this.lines(`${command.command}: ${title}${text}`, ' '.repeat(command.command.length + 2)));
    } else if (command.command === 'debug') {
      if (this.verbose) out.push(...this.lines(`debug: ${command.message}`, '       '));
    } else if (!SILENT.has(command.command)) {
      // Not a command the runner knows: it prints the line as text.
      out.push(...this.text(line));
    }
    return this.masked(out);
  }

  /** A line held back whose time has come (brief view), for a timer: see nextDue(). */
  due(): string[] {
    if (this.held === undefined || this.now() < this.lastShown + this.quietMs) return [];
    return this.masked(this.flush());
  }

  /** When due() has a line to print, if it will. */
  nextDue(): number | undefined {
    return this.held === undefined ? undefined : this.lastShown + this.quietMs;
  }

  /** The step ended: what is still held back. */
  end(): string[] {
    const out = this.masked(this.flush());
    this.depth = 0;
    this.stopToken = undefined;
    return out;
  }

  private indent(): string {
    return this.depth > 0 ? INNER : PREFIX;
  }

  /** A command's message, split at its line breaks; continuation lines indented by `hang`. */
  private lines(text: string, hang: string): string[] {
    const [first, ...rest] = text.split(/\r?\n/);
    return [`${this.indent()}${first}`, ...rest.map((line) => `${this.indent()}${hang}${line}`)];
  }

  private text(line: string): string[] {
    if (line.trim() === '') return [];
    if (this.depth === 0 || this.verbose) return [`${this.indent()}${line}`];
    const formatted = `${INNER}${line}`;
    if (this.now() >= this.lastShown + this.quietMs) {
      const out = this.flush();
      this.lastShown = this.now();
      return [...out, formatted];
    }
    if (this.held !== undefined) this.leftOut += 1;
    this.held = formatted;
    return [];
  }

  /** The held line, after a count of those left out before it. */
  private flush(): string[] {
    const out: string[] = [];
    if (this.leftOut > 0) {
      const lines = this.leftOut === 1 ? 'line' : 'lines';
      out.push(`${INNER}… ${this.leftOut} ${lines} left out (--verbose prints every line)`);
    }
    if (this.held !== undefined) {
      out.push(this.held);
      this.lastShown = this.now();
    }
    this.held = undefined;
    this.leftOut = 0;
    return out;
  }

  private masked(lines: string[]): string[] {
    return lines.map((line) => applyMasks(line, this.masks));
  }
}

/** A whole log at once (a pipeline step's, when it ended), as the live view would have shown it. */
export function printLog(out: Writer, log: string, options: LiveLogOptions = {}): void {
  const view = new LiveLog(options);
  const lines = [...log.split('\n').flatMap((line) => view.push(line.replace(/\r$/, ''))), ...view.end()];
  if (lines.length > 0) out.write(`${lines.join('\n')}\n`);
}

/**
 * Prints an action's main and post steps live: each line through a LiveLog as the step prints it, a held
 * line when its time comes, `▶ post <label>` when post prints its first line. Call end() when it returns.
 */
export function liveStepPrinter(
  out: Writer,
  label: string,
  options: LiveLogOptions = {},
): { onOutput: (line: OutputLine) => void; end: () => void } {
  let step: OutputLine['step'] = 'main';
  let view = new LiveLog(options);
  let timer: NodeJS.Timeout | undefined;
  const write = (lines: string[]) => {
    if (lines.length > 0) out.write(`${lines.join('\n')}\n`);
  };
  const schedule = () => {
    const due = view.nextDue();
    if (timer !== undefined || due === undefined) return;
    timer = setTimeout(
      () => {
        timer = undefined;
        write(view.due());
        schedule();
      },
      Math.max(0, due - (options.now ?? Date.now)()),
    );
    timer.unref();
  };
  const stop = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    write(view.end());
  };
  return {
    onOutput: (line) => {
      if (line.step !== step) {
        stop();
        step = line.step;
        // The job's masks carry over to post.
        view = new LiveLog({ ...options, masks: view.masks });
        out.write(`▶ post ${label}\n`);
      }
      write(view.push(line.text));
      schedule();
    },
    end: stop,
  };
}
