import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readActionMetadata } from '../../actions/lib/src/metadata.js';
import { repoRoot } from '../../runner/src/paths.js';
import { type Io, main } from '../src/main.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const bin = join(repoRoot, 'cli', 'bin', 'k8s-ship.js');

/** The CLI keeps a run's files (reports, job summary) and names their folder: the tests remove it. */
function removeRunFolder(stderr: string): string | undefined {
  const folder = /files of this run are in (\S+)/.exec(stderr)?.[1];
  if (folder) rmSync(folder, { recursive: true, force: true });
  return folder;
}

/** The real entry point, as a script would call it. */
function k8sShip(args: string[], env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: repoRoot, env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, encoding: 'utf8' },
      (error, stdout, stderr) => {
        removeRunFolder(stderr);
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}

/** main() in this process, with its output captured. */
async function inProcess(args: string[], env: NodeJS.ProcessEnv = {}, cwd = repoRoot) {
  let stdout = '';
  let stderr = '';
  /** What was on stderr when the action had returned: what the CLI printed while it ran. */
  let stderrWhileRunning: string | undefined;
  const io: Io = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { PATH: process.env.PATH, ...env },
    cwd,
    onResult: () => {
      stderrWhileRunning = stderr;
    },
  };
  const code = await main(args, io);
  const summaryFile = /job summary in (\S+)/.exec(stderr)?.[1];
  const jobSummary = summaryFile ? readFileSync(summaryFile, 'utf8') : undefined;
  removeRunFolder(stderr);
  return { code, stdout, stderr, jobSummary, stderrWhileRunning };
}

describe('k8s-ship --help', () => {
  it('lists every command and exits 0', async () => {
    const { code, stdout } = await k8sShip(['--help']);
    expect(code).toBe(0);
    for (const command of ['branch-to-namespace', 'build-push', 'trivy-scan', 'pipeline']) {
      expect(stdout).toContain(`  ${command} `);
    }
    expect(stdout).toContain('0 success');
  });

  it('documents each input of a command from its action.yml, with its variable and default', async () => {
    const { code, stdout } = await inProcess(['branch-to-namespace', '--help']);
    expect(code).toBe(0);
    const metadata = readActionMetadata(join(repoRoot, 'actions', 'branch-to-namespace', 'action.yml'));
    for (const name of Object.keys(metadata.inputs)) expect(stdout).toContain(`  --${name}, `);
    for (const name of Object.keys(metadata.outputs)) expect(stdout).toContain(`\n  ${name}\n`);
    expect(stdout).toContain('--namespace-prefix, K8S_SHIP_NAMESPACE_PREFIX');
    expect(stdout).toContain('(default: main=prod, stage=stage)');
  });

  it('offers secret inputs only as a file or a variable', async () => {
    const { stdout } = await inProcess(['build-push', '--help']);
    expect(stdout).toContain('--password-file PATH, K8S_SHIP_PASSWORD');
    expect(stdout).toContain('--repository, K8S_SHIP_REPOSITORY [required]');
  });
});

describe('k8s-ship usage errors exit 2 with a message naming the problem', () => {
  it.each([
    [['no-such-action'], "Unknown command 'no-such-action'. Expected one of: branch-to-namespace"],
    [['branch-to-namespace', '--no-such-input', 'x'], 'Unknown flag --no-such-input'],
    [['branch-to-namespace', '--mapping'], 'Flag --mapping needs a value'],
    [['branch-to-namespace', 'stray'], "Unexpected argument 'stray'"],
    [
      ['build-push', '--password', 'hunter2'],
      "Input 'password' is secret and may not be given on the command line",
    ],
    [
      ['pipeline', '--branch', 'main', '--sha', SHA],
      'Missing required input(s): --repository (or K8S_SHIP_REPOSITORY)',
    ],
    [['branch-to-namespace', '--branch', 'main', '--sha', 'abc'], "Invalid or missing commit 'abc'"],
    [['branch-to-namespace', '--node', 'node18'], "Invalid --node 'node18'. Expected local or node24."],
  ])('%j', async (args, message) => {
    const { code, stderr, stdout } = await inProcess(args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).not.toContain('hunter2');
    expect(stdout).toBe('');
  });

  it('asks for --branch outside a git checkout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-ship-cli-'));
    try {
      const { code, stderr } = await inProcess(['branch-to-namespace', '--sha', SHA], {}, dir);
      expect(code).toBe(2);
      expect(stderr).toContain('Give --branch NAME or --tag NAME');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 2 from the real entry point too', async () => {
    const { code, stderr } = await k8sShip(['branch-to-namespace', '--bogus']);
    expect(code).toBe(2);
    expect(stderr).toContain('Unknown flag --bogus');
  });
});

describe('k8s-ship branch-to-namespace', () => {
  it('runs the real bundle with inputs from flags and prints the outputs as name=value lines', async () => {
    const { code, stdout, stderr } = await k8sShip([
      'branch-to-namespace',
      '--branch',
      'feature/Login-Form',
      '--sha',
      SHA,
      '--preview=true',
      '--namespace-prefix',
      'shop-',
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('environment=preview\n');
    expect(stdout).toContain('namespace=shop-preview-feature-login-form\n');
    expect(stdout).toContain('image-tag=feature-login-form-0123456\n');
    expect(stderr).toContain('✓ branch-to-namespace');
  });

  it('takes inputs and the run context from K8S_SHIP_* variables, flags winning, and prints JSON', async () => {
    const { code, stdout, stderr, jobSummary } = await inProcess(
      ['branch-to-namespace', '--json', '--namespace-prefix', 'web-'],
      {
        K8S_SHIP_BRANCH: 'stage',
        K8S_SHIP_SHA: SHA,
        K8S_SHIP_NAMESPACE_PREFIX: 'ignored-',
        K8S_SHIP_OVERLAY_ROOT: 'deploy/overlays',
      },
    );
    expect(code).toBe(0);
    // stdout is the JSON object only: the action's log goes to stderr, also with --json.
    expect(JSON.parse(stdout)).toMatchObject({
      environment: 'stage',
      namespace: 'web-stage',
      overlay: 'deploy/overlays/stage',
    });
    expect(stderr).toContain('  │ namespace web-stage, overlay deploy/overlays/stage');
    // What the action wrote to GITHUB_STEP_SUMMARY is kept for the person at the terminal.
    expect(jobSummary).toContain('web-stage');
  });

  it('exits 1 when the action fails, with its error in the summary', async () => {
    const { code, stderr } = await inProcess([
      'branch-to-namespace',
      '--branch',
      'feature/x',
      '--sha',
      SHA,
      '--environment',
      'prod',
    ]);
    expect(code).toBe(1);
    expect(stderr).toContain('FAILED');
    expect(stderr).toContain("The branch 'feature/x' may not deploy to 'prod'");
    // The runner's workflow command is read, not printed as it is.
    expect(stderr).toContain("  │ error: The branch 'feature/x' may not deploy to 'prod'");
    expect(stderr).not.toMatch(/^::/m);
  });

  it('prints the action’s log while it runs, not only once it has ended', async () => {
    const { code, stderr, stderrWhileRunning } = await inProcess([
      'branch-to-namespace',
      '--branch',
      'feature/Login-Form',
      '--sha',
      SHA,
    ]);
    expect(code).toBe(0);
    const line = '  │ namespace dev, overlay k8s/overlays/dev, image tag feature-login-form-0123456\n';
    expect(stderrWhileRunning).toContain(
      `▶ branch-to-namespace\n  │ branch "feature/Login-Form" → environment dev (no mapping pattern matches: default environment)\n${line}`,
    );
    // Once, not again after the run.
    expect(stderr.split(line)).toHaveLength(2);
  });

  it('ignores runner variables of an enclosing CI job', async () => {
    const { code, stdout } = await inProcess(['branch-to-namespace', '--branch', 'dev', '--sha', SHA], {
      GITHUB_REF: 'refs/heads/main',
      INPUT_NAMESPACE_PREFIX: 'leaked-',
    });
    expect(code).toBe(0);
    expect(stdout).toContain('namespace=dev\n');
  });
});
