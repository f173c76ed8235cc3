import { runCompositeAction, type StepProgress } from '../../runner/src/composite.js';
import type { RunnerEvent } from '../../runner/src/events.js';
import type { NodeRuntime } from '../../runner/src/paths.js';
import { repoRoot } from '../../runner/src/paths.js';
import { type OutputLine, runBundledAction } from '../../runner/src/run-bundle.js';
import type { Command } from './commands.js';

export interface StepReport {
  label: string;
  outcome: 'success' | 'failure' | 'skipped';
  durationMs: number;
  log: string;
  errors: string[];
  /** What the step wrote to GITHUB_STEP_SUMMARY (Markdown/HTML). */
  summary: string;
}

export interface CommandResult {
  succeeded: boolean;
  outputs: Record<string, string>;
  steps: StepReport[];
}

export interface RunRequest {
  command: Command;
  inputs: Record<string, string>;
  event: RunnerEvent;
  workspace: string;
  node: NodeRuntime;
  /** The variables the actions may see (DOCKER_HOST, AWS_*, PATH, HOME …). */
  env: Record<string, string>;
  onStep?: (progress: StepProgress) => void;
  /** An action's (not the pipeline's) main and post output, line by line as it runs. */
  onOutput?: (line: OutputLine) => void;
}

/** Runs one action's bundle, or the pipeline's composite, exactly as the tests and GitHub's runner do. */
export async function runCommand(request: RunRequest): Promise<CommandResult> {
  const { command } = request;
  if (command.kind === 'composite') {
    const run = await runCompositeAction({
      actionDir: command.actionDir,
      workspace: request.workspace,
      localActionsRoot: repoRoot,
      node: request.node,
      inputs: request.inputs,
      event: request.event,
      env: request.env,
      ...(request.onStep ? { onStep: request.onStep } : {}),
    });
    return {
      succeeded: run.outcome === 'success',
      outputs: run.outputs,
      steps: run.steps.map((step) => ({
        label: step.label,
        outcome: step.conclusion,
        durationMs: step.durationMs,
        log: step.visibleLog,
        errors: step.errors,
        summary: step.summary,
      })),
    };
  }
  request.onStep?.({ phase: 'start', label: command.name });
  const started = Date.now();
  const run = await runBundledAction({
    actionDir: command.actionDir,
    node: request.node,
    inputs: request.inputs,
    event: request.event,
    env: request.env,
    workspace: request.workspace,
    timeoutMs: 30 * 60_000,
    ...(request.onOutput ? { onOutput: request.onOutput } : {}),
  });
  const steps: StepReport[] = [
    {
      label: command.name,
      outcome: run.main.exitCode === 0 ? 'success' : 'failure',
      durationMs: Date.now() - started,
      log: run.main.visibleLog,
      errors: run.main.errors,
      summary: run.main.summary,
    },
  ];
  if (run.post) {
    steps.push({
      label: `post ${command.name}`,
      outcome: run.post.exitCode === 0 ? 'success' : 'failure',
      durationMs: 0,
      log: run.post.visibleLog,
      errors: run.post.errors,
      summary: run.post.summary,
    });
  }
  return { succeeded: steps.every((step) => step.outcome !== 'failure'), outputs: run.main.outputs, steps };
}
