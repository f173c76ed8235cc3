import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { type ActionMetadata, readActionMetadata } from '../../actions/lib/src/metadata.js';

/**
 * One action's run in the benchmark: how far it gets with the runner's environment and the input
 * defaults alone. Seven stop at their first check (a required input left empty: no file, network or
 * child process is touched); branch-to-namespace has no required input and maps `main` all the way.
 */
export interface ActionCase {
  name: string;
  /** `actions/<name>/dist/index.js`, relative to the repository root. */
  bundle: string;
  metadata: ActionMetadata;
  expectedExitCode: number;
  /** Text the run's stdout must hold, proving it stopped where this case says. */
  expectedOutput: string;
  stopsAt: string;
}

const STOPS: Record<string, Omit<ActionCase, 'name' | 'bundle' | 'metadata'>> = {
  'branch-to-namespace': {
    expectedExitCode: 0,
    expectedOutput: 'environment prod',
    stopsAt: 'maps refs/heads/main to prod, writes its outputs and job summary',
  },
  'build-push': {
    expectedExitCode: 1,
    expectedOutput: "Input 'repository' is required",
    stopsAt: 'first check: `repository` is empty',
  },
  'trivy-scan': {
    expectedExitCode: 1,
    expectedOutput: "Input 'image-ref' is required",
    stopsAt: 'first check: `image-ref` is empty',
  },
  'tag-image': {
    expectedExitCode: 1,
    expectedOutput: "Input 'image' is required",
    stopsAt: 'first check: `image` is empty',
  },
  'ssh-set-image': {
    expectedExitCode: 1,
    expectedOutput: "Input 'namespace' is required",
    stopsAt: 'first check: `namespace` is empty',
  },
  'rollout-wait': {
    expectedExitCode: 1,
    expectedOutput: "Input 'namespace' is required",
    stopsAt: 'first check: `namespace` is empty',
  },
  'preview-cleanup': {
    expectedExitCode: 1,
    expectedOutput: 'Cannot tell which preview to end',
    stopsAt: 'first check: a push to main names no deleted branch',
  },
  'deployment-status': {
    expectedExitCode: 1,
    expectedOutput: "Input 'phase' is required",
    stopsAt: 'first check: `phase` is empty',
  },
};

export function actionCases(repoRoot: string): ActionCase[] {
  return Object.entries(STOPS).map(([name, stop]) => {
    const dir = join(repoRoot, 'actions', name);
    return {
      name,
      bundle: join('actions', name, 'dist', 'index.js'),
      metadata: readActionMetadata(join(dir, 'action.yml')),
      ...stop,
    };
  });
}

/**
 * Runs the case once and throws unless it ended as described: a benchmark of an action that failed on
 * something else (a missing file, a changed message) would time the wrong thing.
 */
export function checkCase(
  actionCase: ActionCase,
  node: string,
  env: Record<string, string>,
  cwd: string,
): void {
  const run = spawnSync(node, [actionCase.bundle], { cwd, env, encoding: 'utf8', timeout: 30_000 });
  const output = `${run.stdout}${run.stderr}`;
  if (run.status !== actionCase.expectedExitCode || !output.includes(actionCase.expectedOutput)) {
    throw new Error(
      `${actionCase.name} did not stop where the benchmark expects (${actionCase.stopsAt}): exit code ` +
        `${run.status ?? run.signal}, expected ${actionCase.expectedExitCode} and output containing ` +
        `'${actionCase.expectedOutput}'. Its output:\n${output}`,
    );
  }
}
