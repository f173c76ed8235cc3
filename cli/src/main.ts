import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type NodeRuntime, nodeBinary } from '../../runner/src/paths.js';
import {
  GLOBAL_FLAGS,
  type GlobalFlag,
  inputsFromEnvironment,
  inputVariable,
  isSecretInput,
  parseArguments,
} from './arguments.js';
import { type Command, listCommands } from './commands.js';
import { runEventFor } from './git-context.js';
import { commandHelp, generalHelp } from './help.js';
import { liveStepPrinter } from './live-log.js';
import { formatOutputs, progressPrinter, summary, type Writer } from './output.js';
import { type CommandResult, runCommand } from './run-command.js';
import { EXIT_ACTION_FAILED, EXIT_SUCCESS, EXIT_USAGE, UsageError } from './usage-error.js';

export interface Io {
  stdout: Writer;
  stderr: Writer;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** For programs that run the CLI in-process (the demo): every step's result, timings included. */
  onResult?: (result: CommandResult) => void;
}

// What a runner sets per step (a value left over from an enclosing CI job would mislead the actions), and
// the CLI's own inputs, secrets among them, which reach an action only as the input they are for.
const RUNNER_VARIABLES = /^(GITHUB_|INPUT_|STATE_|RUNNER_|ACTIONS_|K8S_SHIP_)/;

/** The caller's environment minus the runner's own variables: DOCKER_HOST, AWS_*, PATH … reach the actions. */
function passedEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && !RUNNER_VARIABLES.test(entry[0]),
    ),
  );
}

/** GitHub's runtime (`runs.using: node24`) when it is installed here, else the Node running the CLI. */
function nodeRuntime(value: string | undefined): NodeRuntime {
  if (value === 'local' || value === 'node24') return value;
  if (value !== undefined) throw new UsageError(`Invalid --node '${value}'. Expected local or node24.`);
  try {
    nodeBinary('node24');
    return 'node24';
  } catch {
    return 'local';
  }
}

function findCommand(commands: readonly Command[], name: string): Command {
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    throw new UsageError(
      `Unknown command '${name}'. Expected one of: ${commands.map((c) => c.name).join(', ')}.`,
    );
  }
  return command;
}

async function runParsed(argv: readonly string[], io: Io): Promise<number> {
  const commands = listCommands();
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(generalHelp(commands));
    return name === undefined ? EXIT_USAGE : EXIT_SUCCESS;
  }
  const command = findCommand(commands, name);
  const inputNames = Object.keys(command.metadata.inputs);
  const clash = inputNames.find((input) => input in GLOBAL_FLAGS);
  if (clash) throw new Error(`${command.name} declares an input '${clash}' that is also a CLI flag`);
  const parsed = parseArguments(rest, inputNames, inputNames.filter(isSecretInput), (path) =>
    readFileSync(resolve(io.cwd, path), 'utf8'),
  );
  if (parsed.help) {
    io.stdout.write(commandHelp(command));
    return EXIT_SUCCESS;
  }
  const globals: Partial<Record<GlobalFlag, string>> = {};
  for (const flag of Object.keys(GLOBAL_FLAGS) as GlobalFlag[]) {
    const value = parsed.globals[flag] ?? io.env[inputVariable(flag)];
    if (value !== undefined) globals[flag] = value;
  }
  const inputs = { ...inputsFromEnvironment(inputNames, io.env), ...parsed.inputs };
  const missing = Object.entries(command.metadata.inputs)
    .filter(([input, spec]) => spec.required && spec.default === undefined && !inputs[input])
    .map(([input]) => `--${input} (or ${inputVariable(input)})`);
  if (missing.length > 0) throw new UsageError(`Missing required input(s): ${missing.join(', ')}.`);
  const workspace = resolve(io.cwd, globals.workspace ?? '.');
  const event = runEventFor(globals, workspace, inputs.environment);
  const node = nodeRuntime(globals.node);
  // The run's files (reports, SARIF) outlive it, unlike on a runner; an empty folder does not.
  const runnerTemp = mkdtempSync(join(tmpdir(), 'k8s-ship-run-'));
  // The log as a person reads it, on stderr (stdout is the outputs'): secret inputs never in it.
  const log = {
    verbose: parsed.verbose,
    masks: Object.entries(inputs)
      .filter(([input]) => isSecretInput(input))
      .map(([, value]) => value),
  };
  const live = command.kind === 'javascript' ? liveStepPrinter(io.stderr, command.name, log) : undefined;
  let result: CommandResult;
  try {
    result = await runCommand({
      command,
      inputs,
      event,
      workspace,
      node,
      env: { ...passedEnvironment(io.env), RUNNER_TEMP: runnerTemp },
      onStep: progressPrinter(io.stderr, log),
      ...(live ? { onOutput: live.onOutput } : {}),
    });
    // The job summary GitHub would show, for the person at the terminal.
    const jobSummary = result.steps.map((step) => step.summary).filter((text) => text.trim() !== '');
    if (jobSummary.length > 0) {
      writeFileSync(join(runnerTemp, 'job-summary.md'), jobSummary.join('\n'));
      io.stderr.write(`k8s-ship: job summary in ${join(runnerTemp, 'job-summary.md')}\n`);
    }
  } finally {
    live?.end();
    if (readdirSync(runnerTemp).length === 0) rmSync(runnerTemp, { recursive: true, force: true });
    else io.stderr.write(`k8s-ship: files of this run are in ${runnerTemp}\n`);
  }
  io.onResult?.(result);
  io.stderr.write(summary(result.steps, result.succeeded));
  io.stdout.write(formatOutputs(result.outputs, parsed.json));
  return result.succeeded ? EXIT_SUCCESS : EXIT_ACTION_FAILED;
}

/** The CLI: returns the exit code (0 success, 1 the action failed, 2 usage error). */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    return await runParsed(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`k8s-ship: ${error.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr.write(`k8s-ship: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_ACTION_FAILED;
  }
}
