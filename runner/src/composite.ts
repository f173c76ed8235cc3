import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join, relative, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { readActionMetadata } from '../../actions/lib/src/metadata.js';
import { githubContext, runnerContext, runStepVariables } from './composite-context.js';
import {
  type ExpressionContexts,
  evaluateCondition,
  evaluateTemplate,
  type JobStatus,
} from './composite-expressions.js';
import { type CompositeStep, readCompositeAction } from './composite-metadata.js';
import { runScriptStep } from './composite-run-step.js';
import { loadEvent, type RunnerEvent } from './events.js';
import type { NodeRuntime } from './paths.js';
import { runBundledAction } from './run-bundle.js';
import { applyMasks } from './runner-files.js';

export interface CompositeRunOptions {
  /** Folder holding the composite action.yml. */
  actionDir: string;
  /** GITHUB_WORKSPACE and the steps' working folder. Default: actionDir. */
  workspace?: string;
  /**
   * Where `uses: ./path` resolves. GitHub resolves it against the workspace (the default); the CLI points
   * it at this repository so that a service's own checkout can be the workspace.
   */
  localActionsRoot?: string;
  /**
   * This repository as other repositories name it: `uses: OWNER/REPO/PATH@REF` steps of it run from `root`
   * (the checkout stands in for REF), as a released action's steps do. Other remote actions are refused.
   */
  checkout?: { repository: string; root: string };
  /** `github.token`; empty unless given, like the CLI, which has none (see runBundledAction). */
  githubToken?: string;
  node: NodeRuntime;
  /** The composite's inputs as `with:` gives them; the rest get their defaults. */
  inputs?: Record<string, string>;
  /** Default: the push fixture. */
  event?: RunnerEvent;
  /** Job-level variables every step sees (e.g. DOCKER_HOST); nothing else of this process leaks in. */
  env?: Record<string, string>;
  /** Per step, main and post each. */
  timeoutMs?: number;
  /** Called before and after each step, for progress output. */
  onStep?: (event: StepProgress) => void;
}

export type StepOutcome = 'success' | 'failure' | 'skipped';

export interface StepProgress {
  phase: 'start' | 'end';
  label: string;
  result?: CompositeStepResult;
}

export interface CompositeStepResult {
  /** `id`, else `name`, else what it uses or `run #<index>`. */
  label: string;
  id?: string;
  kind: 'uses' | 'run' | 'post';
  outcome: StepOutcome;
  /** Like GitHub: a failed step with continue-on-error concludes as success. */
  conclusion: StepOutcome;
  exitCode: number | null;
  outputs: Record<string, string>;
  errors: string[];
  warnings: string[];
  summary: string;
  visibleLog: string;
  durationMs: number;
}

export interface CompositeRun {
  outcome: 'success' | 'failure';
  outputs: Record<string, string>;
  /** Main steps in order, then post steps in reverse order of their mains. */
  steps: CompositeStepResult[];
  /** Everything masked by any step. */
  masks: string[];
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

interface PendingPost {
  label: string;
  actionDir: string;
  inputs: Record<string, string>;
  /** The step's own `env:`, evaluated when main ran. */
  stepEnv: Record<string, string>;
  state: Record<string, string>;
}

function stepLabel(step: CompositeStep): string {
  return step.id ?? step.name ?? step.uses ?? `run #${step.index}`;
}

function compositeInputs(
  declared: Record<string, { default?: string }>,
  given: Record<string, string>,
  contexts: ExpressionContexts,
  source: string,
): Record<string, string> {
  const unknown = Object.keys(given).filter((name) => !(name in declared));
  if (unknown.length > 0)
    throw new Error(`composite runner: unexpected input(s) ${unknown.join(', ')} for ${source}`);
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(declared)) {
    inputs[name] =
      given[name] ?? (spec.default === undefined ? '' : evaluateTemplate(spec.default, contexts));
  }
  return inputs;
}

const REMOTE_ACTION = /^([\w.-]+\/[\w.-]+)((?:\/[\w.-]+)*)@([\w./-]+)$/;

/**
 * Where a step's action is: `./path` relative to the workspace, as the runner resolves local actions (not
 * relative to action.yml); `OWNER/REPO/path@ref` of this repository in its checkout.
 */
function actionDirOf(uses: string, root: string, checkout: CompositeRunOptions['checkout']): string {
  if (uses.startsWith('./')) return resolve(root, uses);
  const remote = REMOTE_ACTION.exec(uses);
  if (remote && checkout && remote[1]?.toLowerCase() === checkout.repository.toLowerCase()) {
    const path = (remote[2] ?? '').slice(1);
    if (path.split('/').includes('..')) {
      throw new Error(`composite runner: '${uses}' leaves the repository`);
    }
    return resolve(checkout.root, path === '' ? '.' : path);
  }
  const also = checkout ? ` or '${checkout.repository}/path@ref'` : '';
  throw new Error(`composite runner: only local actions ('./path'${also}) can run here, not '${uses}'`);
}

/**
 * The post entry as an action of its own, so the harness's runBundledAction runs it with the same inputs
 * and the runner contract. A post step sees main's inputs, state and exported env, which the caller adds.
 */
function postOnlyActionDir(actionDir: string, scratch: string): string {
  const text = readFileSync(join(actionDir, 'action.yml'), 'utf8');
  const doc = parse(text) as { runs: { using: string; post: string } };
  const dir = mkdtempSync(join(scratch, 'post-'));
  const postScript = join(actionDir, doc.runs.post);
  writeFileSync(
    join(dir, 'action.yml'),
    stringify({ ...doc, runs: { using: doc.runs.using, main: relative(dir, postScript) } }),
  );
  return dir;
}

/**
 * Runs a composite action's steps in order as GitHub's runner does: `with:`, `env:` and `if:` evaluated
 * with the inputs, steps, github, env and runner contexts; `uses: ./…` JavaScript actions through the
 * bundle harness; `run:` scripts with bash; post steps after the last step in reverse order; then the
 * composite's outputs from the step outputs.
 */
export async function runCompositeAction(options: CompositeRunOptions): Promise<CompositeRun> {
  const actionDir = resolve(options.actionDir);
  const source = join(actionDir, 'action.yml');
  const action = readCompositeAction(source);
  const workspace = resolve(options.workspace ?? actionDir);
  const localActionsRoot = resolve(options.localActionsRoot ?? workspace);
  const event = options.event ?? loadEvent('push');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const scratch = mkdtempSync(join(tmpdir(), 'composite-run-'));
  try {
    // A caller that wants the steps' files (reports) after the run gives its own RUNNER_TEMP.
    const temp = options.env?.RUNNER_TEMP ?? join(scratch, 'runner-temp');
    mkdirSync(temp, { recursive: true });
    const eventPath = join(scratch, 'event.json');
    writeFileSync(eventPath, JSON.stringify(event.payload, null, 2));
    const contexts: ExpressionContexts = {
      github: githubContext(event, { workspace, actionPath: actionDir }, options.githubToken ?? ''),
      inputs: {},
      steps: {},
      env: { ...options.env },
      runner: runnerContext(temp),
    };
    contexts.inputs = compositeInputs(action.inputs, options.inputs ?? {}, contexts, source);
    const shellBase = runStepVariables(event, { workspace, actionPath: actionDir, eventPath, temp });
    // What GITHUB_ENV and GITHUB_PATH of earlier steps added, for every later step.
    const exported: Record<string, string> = {};
    const addedPath: string[] = [];
    const posts: PendingPost[] = [];
    const results: CompositeStepResult[] = [];
    const masks: string[] = [];
    let status: JobStatus = 'success';

    const jobEnv = (): Record<string, string> => {
      const env = { ...options.env, ...exported };
      const basePath = env.PATH ?? shellBase.PATH;
      if (addedPath.length > 0) env.PATH = [...addedPath, basePath].join(delimiter);
      return env;
    };
    const report = (result: CompositeStepResult) => {
      results.push(result);
      options.onStep?.({ phase: 'end', label: result.label, result });
    };

    for (const step of action.steps) {
      const label = stepLabel(step);
      const kind: 'uses' | 'run' = step.uses === undefined ? 'run' : 'uses';
      const base = {
        label,
        kind,
        errors: [] as string[],
        warnings: [] as string[],
        summary: '',
        visibleLog: '',
      };
      const jobContexts = { ...contexts, env: { ...contexts.env, ...exported } };
      const stepEnv = Object.fromEntries(
        Object.entries(step.env).map(([key, value]) => [key, evaluateTemplate(value, jobContexts)]),
      );
      const stepContexts = { ...jobContexts, env: { ...jobContexts.env, ...stepEnv } };
      if (!evaluateCondition(step.if, stepContexts, status)) {
        const skipped: CompositeStepResult = {
          ...base,
          ...(step.id === undefined ? {} : { id: step.id }),
          outcome: 'skipped',
          conclusion: 'skipped',
          exitCode: null,
          outputs: {},
          durationMs: 0,
        };
        if (step.id !== undefined) {
          contexts.steps[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
        }
        report(skipped);
        continue;
      }
      options.onStep?.({ phase: 'start', label });
      const started = Date.now();
      const env = { ...jobEnv(), ...stepEnv };
      let exitCode: number | null;
      let outputs: Record<string, string>;
      let details: Pick<CompositeStepResult, 'errors' | 'warnings' | 'summary' | 'visibleLog'>;
      if (step.uses !== undefined) {
        const stepDir = actionDirOf(step.uses, localActionsRoot, options.checkout);
        const inputs = Object.fromEntries(
          Object.entries(step.with).map(([key, value]) => [key, evaluateTemplate(value, stepContexts)]),
        );
        const run = await runBundledAction({
          actionDir: stepDir,
          node: options.node,
          inputs,
          event,
          env,
          workspace,
          post: false,
          timeoutMs,
          ...(options.githubToken === undefined ? {} : { githubToken: options.githubToken }),
        });
        ({ exitCode, outputs } = run.main);
        details = run.main;
        masks.push(...run.main.masks);
        Object.assign(exported, run.main.exportedEnv);
        addedPath.unshift(...[...run.main.addedPath].reverse());
        if (readActionMetadata(join(stepDir, 'action.yml')).runs.post) {
          posts.push({ label, actionDir: stepDir, inputs, stepEnv, state: run.main.state });
        }
      } else {
        const cwd =
          step.workingDirectory === undefined ? workspace : resolve(workspace, step.workingDirectory);
        const run = await runScriptStep({
          script: step.run as string,
          shell: evaluateTemplate(step.shell as string, stepContexts),
          env: { ...shellBase, ...env },
          cwd,
          stepDir: join(scratch, `step-${step.index}`),
          timeoutMs,
        });
        ({ exitCode, outputs } = run);
        details = { ...run, warnings: [] };
        masks.push(...run.masks);
        Object.assign(exported, run.exportedEnv);
        addedPath.unshift(...[...run.addedPath].reverse());
      }
      const outcome: StepOutcome = exitCode === 0 ? 'success' : 'failure';
      const conclusion: StepOutcome = outcome === 'failure' && step.continueOnError ? 'success' : outcome;
      if (conclusion === 'failure') status = 'failure';
      if (step.id !== undefined) contexts.steps[step.id] = { outputs, outcome, conclusion };
      report({
        ...base,
        ...(step.id === undefined ? {} : { id: step.id }),
        ...details,
        visibleLog: applyMasks(details.visibleLog, masks),
        outcome,
        conclusion,
        exitCode,
        outputs,
        durationMs: Date.now() - started,
      });
    }

    for (const post of posts.reverse()) {
      const label = `post ${post.label}`;
      const metadata = readActionMetadata(join(post.actionDir, 'action.yml'));
      const postIf = metadata.runs['post-if'] ?? 'always()';
      if (!evaluateCondition(postIf, contexts, status)) continue;
      options.onStep?.({ phase: 'start', label });
      const started = Date.now();
      const state = Object.fromEntries(
        Object.entries(post.state).map(([key, value]) => [`STATE_${key}`, value]),
      );
      const run = await runBundledAction({
        actionDir: postOnlyActionDir(post.actionDir, scratch),
        node: options.node,
        inputs: post.inputs,
        event,
        env: { ...jobEnv(), ...post.stepEnv, ...state, GITHUB_ACTION_PATH: post.actionDir },
        workspace,
        post: false,
        timeoutMs,
        ...(options.githubToken === undefined ? {} : { githubToken: options.githubToken }),
      });
      masks.push(...run.main.masks);
      // A failing post step (cleanup) fails the job on GitHub too.
      const outcome: StepOutcome = run.main.exitCode === 0 ? 'success' : 'failure';
      if (outcome === 'failure') status = 'failure';
      report({
        label,
        kind: 'post',
        ...run.main,
        visibleLog: applyMasks(run.main.visibleLog, masks),
        outcome,
        conclusion: outcome,
        durationMs: Date.now() - started,
      });
    }

    const outputs = Object.fromEntries(
      Object.entries(action.outputs).map(([name, spec]) => [name, evaluateTemplate(spec.value, contexts)]),
    );
    return { outcome: status, outputs, steps: results, masks };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** True when `path` is a composite action's folder rather than a JavaScript action's. */
export function isCompositeActionDir(path: string): boolean {
  const dir = isAbsolute(path) ? path : resolve(path);
  return readActionMetadata(join(dir, 'action.yml')).runs.using === 'composite';
}
