import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { type ActionMetadata, inputEnvName, readActionMetadata } from '../../actions/lib/src/metadata.js';
import { eventVariables, loadEvent, type RunnerEvent } from './events.js';
import { type NodeRuntime, nodeBinary } from './paths.js';
import {
  applyMasks,
  maskParts,
  parseKeyValueFile,
  parseWorkflowCommands,
  type WorkflowCommand,
} from './runner-files.js';

export interface BundleRunOptions {
  /** Folder holding action.yml and the bundle it names. */
  actionDir: string;
  node: NodeRuntime;
  /** Inputs as a workflow's `with:` gives them; the rest get their action.yml defaults. */
  inputs?: Record<string, string>;
  /** Default: the push fixture. */
  event?: RunnerEvent;
  /** Extra variables, e.g. DOCKER_HOST; the harness's own environment is NOT passed through. */
  env?: Record<string, string>;
  /** GITHUB_WORKSPACE and the step's cwd; default: an empty temporary folder. */
  workspace?: string;
  /**
   * `github.token` for input defaults like `${{ github.token }}`. A job on GitHub always has one; here it is
   * empty unless a test gives one, so that no action reaches GitHub's API with a made-up token.
   */
  githubToken?: string;
  /** Run the `post` entry after main (default: whenever action.yml has one and its post-if allows). */
  post?: boolean;
  timeoutMs?: number;
  /**
   * Cancels the job mid-run: when a line main prints matches `when`, main gets `signal` (default SIGTERM),
   * as the runner signals a step of a cancelled job; the post step then runs as its post-if says.
   */
  cancelMain?: { when: (text: string) => boolean; signal?: NodeJS.Signals };
  /**
   * Each line of main's and post's stdout and stderr as it arrives, with the values masked so far replaced
   * by `***` (as the runner's live log does); workflow commands are passed on, not interpreted.
   */
  onOutput?: (line: OutputLine) => void;
}

/** One line a step printed, for live progress. */
export interface OutputLine {
  step: 'main' | 'post';
  stream: 'stdout' | 'stderr';
  /** Without its line break; masked with every value added by `::add-mask::` before it. */
  text: string;
}

type LineSink = (stream: OutputLine['stream'], text: string) => void;

/** One step (main or post) as the runner saw it. */
export interface StepRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  exportedEnv: Record<string, string>;
  addedPath: string[];
  summary: string;
  commands: WorkflowCommand[];
  errors: string[];
  warnings: string[];
  masks: string[];
  /** stdout + stderr as the runner would show it, masks applied. */
  visibleLog: string;
}

export interface BundleRun {
  main: StepRun;
  post?: StepRun;
  /** Every variable main ran with, to check what an action could see. */
  mainEnv: Record<string, string>;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** `${{ github.x }}` in an input default, evaluated like the runner would for the few names used here. */
function evaluateDefault(input: string, value: string, github: Record<string, string>): string {
  return value.replace(/\$\{\{\s*github\.([a-z_]+)\s*\}\}/g, (expression, key: string) => {
    const resolved = github[key];
    if (resolved === undefined)
      throw new Error(`harness: cannot evaluate ${expression} in the default of '${input}'`);
    return resolved;
  });
}

function inputVariables(
  metadata: ActionMetadata,
  given: Record<string, string>,
  github: Record<string, string>,
): Record<string, string> {
  const unknown = Object.keys(given).filter((name) => !(name in metadata.inputs));
  if (unknown.length > 0) {
    throw new Error(`harness: unexpected input(s) ${unknown.join(', ')} for ${metadata.name}`);
  }
  const variables: Record<string, string> = {};
  for (const [name, spec] of Object.entries(metadata.inputs)) {
    const value =
      given[name] ?? (spec.default === undefined ? undefined : evaluateDefault(name, spec.default, github));
    if (value !== undefined) variables[inputEnvName(name)] = value;
  }
  return variables;
}

function runNode(
  binary: string,
  script: string,
  env: Record<string, string>,
  cwd: string,
  timeoutMs: number,
  onLine?: LineSink,
  cancel?: BundleRunOptions['cancelMain'],
) {
  return new Promise<{
    exitCode: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve, reject) => {
    const child = spawn(binary, [script], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const partial = { stdout: '', stderr: '' };
    let cancelled = false;
    const passOn = (stream: OutputLine['stream'], chunk: string, final: boolean) => {
      if (!onLine && !cancel) return;
      const lines = (partial[stream] + chunk).split('\n');
      partial[stream] = final ? '' : (lines.pop() as string);
      if (final && lines.at(-1) === '') lines.pop();
      for (const line of lines) {
        const text = line.replace(/\r$/, '');
        onLine?.(stream, text);
        if (cancel && !cancelled && cancel.when(text)) {
          cancelled = true;
          child.kill(cancel.signal ?? 'SIGTERM');
        }
      }
    };
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      passOn('stdout', c, false);
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
      passOn('stderr', c, false);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      passOn('stdout', '', true);
      passOn('stderr', '', true);
      resolve({ exitCode, signal, stdout, stderr });
    });
  });
}

async function runStep(
  binary: string,
  script: string,
  baseEnv: Record<string, string>,
  stepDir: string,
  cwd: string,
  timeoutMs: number,
  onLine?: LineSink,
  cancel?: BundleRunOptions['cancelMain'],
): Promise<StepRun> {
  mkdirSync(stepDir, { recursive: true });
  const files = {
    GITHUB_OUTPUT: join(stepDir, 'output'),
    GITHUB_STATE: join(stepDir, 'state'),
    GITHUB_ENV: join(stepDir, 'env'),
    GITHUB_PATH: join(stepDir, 'path'),
    GITHUB_STEP_SUMMARY: join(stepDir, 'summary.md'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const result = await runNode(binary, script, { ...baseEnv, ...files }, cwd, timeoutMs, onLine, cancel);
  const commands = parseWorkflowCommands(result.stdout);
  const messages = (name: string) => commands.filter((c) => c.command === name).map((c) => c.message);
  const masks = messages('add-mask');
  return {
    ...result,
    outputs: parseKeyValueFile(readFileSync(files.GITHUB_OUTPUT, 'utf8'), 'GITHUB_OUTPUT'),
    state: parseKeyValueFile(readFileSync(files.GITHUB_STATE, 'utf8'), 'GITHUB_STATE'),
    exportedEnv: parseKeyValueFile(readFileSync(files.GITHUB_ENV, 'utf8'), 'GITHUB_ENV'),
    addedPath: readFileSync(files.GITHUB_PATH, 'utf8').split('\n').filter(Boolean),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    commands,
    errors: messages('error'),
    warnings: messages('warning'),
    masks,
    visibleLog: applyMasks(result.stdout + result.stderr, masks),
  };
}

/**
 * Line sinks for main and post that mask as the runner does while a step runs: a value is masked from the
 * `::add-mask::` line that adds it on (the job's masks carry over from main to post).
 */
function liveLines(onOutput: BundleRunOptions['onOutput']) {
  if (!onOutput) return undefined;
  const masks: string[] = [];
  return (step: OutputLine['step']): LineSink =>
    (stream, text) => {
      if (stream === 'stdout') {
        const added = parseWorkflowCommands(text)[0];
        if (added?.command === 'add-mask') masks.push(...maskParts(added.message));
      }
      onOutput({ step, stream, text: applyMasks(text, masks) });
    };
}

function shouldRunPost(postIf: string | undefined, mainSucceeded: boolean): boolean {
  const condition = (postIf ?? 'always()').replace(/^\$\{\{\s*|\s*\}\}$/g, '').trim();
  if (condition === 'always()') return true;
  if (condition === 'success()') return mainSucceeded;
  if (condition === 'failure()') return !mainSucceeded;
  throw new Error(`harness: unsupported post-if '${postIf}'`);
}

/**
 * Runs an action's bundle the way GitHub's runner does: inputs as INPUT_<NAME> with action.yml defaults,
 * fresh file-command files per step, the event payload and the GITHUB_* variables derived from it, then the
 * post entry with STATE_* from main's state file and main's GITHUB_ENV/GITHUB_PATH applied.
 */
export async function runBundledAction(options: BundleRunOptions): Promise<BundleRun> {
  const metadata = readActionMetadata(join(options.actionDir, 'action.yml'));
  if (!metadata.runs.using.startsWith('node') || !metadata.runs.main) {
    throw new Error(
      `harness: ${metadata.name} is not a JavaScript action (runs.using: ${metadata.runs.using})`,
    );
  }
  const binary = nodeBinary(options.node);
  const event = options.event ?? loadEvent('push');
  const root = mkdtempSync(join(tmpdir(), 'action-run-'));
  try {
    const workspace = options.workspace ?? join(root, 'workspace');
    const temp = join(root, 'runner-temp');
    mkdirSync(workspace, { recursive: true });
    mkdirSync(temp, { recursive: true });
    const eventPath = join(root, 'event.json');
    writeFileSync(eventPath, JSON.stringify(event.payload, null, 2));
    const fromEvent = eventVariables(event);
    const github: Record<string, string> = {
      token: options.githubToken ?? '',
      repository: fromEvent.GITHUB_REPOSITORY as string,
      sha: fromEvent.GITHUB_SHA as string,
      ref: fromEvent.GITHUB_REF as string,
      ref_name: fromEvent.GITHUB_REF_NAME as string,
      actor: fromEvent.GITHUB_ACTOR as string,
      event_name: event.name,
      server_url: 'https://github.com',
      run_id: '9876543210',
      workspace,
    };
    const baseEnv: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? root,
      LANG: 'C.UTF-8',
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKFLOW: 'deploy',
      GITHUB_JOB: 'ship',
      GITHUB_RUN_ID: github.run_id as string,
      GITHUB_RUN_NUMBER: '17',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_SERVER_URL: github.server_url as string,
      GITHUB_API_URL: 'https://api.github.com',
      GITHUB_WORKSPACE: workspace,
      GITHUB_ACTION: 'run-action',
      GITHUB_ACTION_PATH: options.actionDir,
      GITHUB_EVENT_PATH: eventPath,
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'X64',
      RUNNER_NAME: 'harness',
      RUNNER_TEMP: temp,
      RUNNER_TOOL_CACHE: join(root, 'tool-cache'),
      ...fromEvent,
      ...options.env,
      ...inputVariables(metadata, options.inputs ?? {}, github),
    };
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const live = liveLines(options.onOutput);
    const mainScript = join(options.actionDir, metadata.runs.main);
    const main = await runStep(
      binary,
      mainScript,
      baseEnv,
      join(root, 'main'),
      workspace,
      timeoutMs,
      live?.('main'),
      options.cancelMain,
    );
    const run: BundleRun = { main, mainEnv: baseEnv };
    const wantPost = options.post ?? true;
    if (wantPost && metadata.runs.post && shouldRunPost(metadata.runs['post-if'], main.exitCode === 0)) {
      const stateVariables = Object.fromEntries(
        Object.entries(main.state).map(([k, v]) => [`STATE_${k}`, v]),
      );
      const postEnv = {
        ...baseEnv,
        ...main.exportedEnv,
        PATH: [...main.addedPath.reverse(), baseEnv.PATH].join(delimiter),
        ...stateVariables,
      };
      const postScript = join(options.actionDir, metadata.runs.post);
      run.post = await runStep(
        binary,
        postScript,
        postEnv,
        join(root, 'post'),
        workspace,
        timeoutMs,
        live?.('post'),
      );
    }
    return run;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
