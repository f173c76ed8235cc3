import { repoRoot } from '../../../runner/src/paths.js';
import { main as cli } from '../main.js';
import type { Writer } from '../output.js';
import type { CommandResult } from '../run-command.js';
import { type PipelinePlan, pipelineArguments } from './pipeline-arguments.js';
import { localTrivyBin, type SandboxReady } from './sandbox-setup.js';

export interface ShipRequest {
  ready: SandboxReady;
  /** What to ship and where; the sandbox's SSH host and registry come from `ready`. */
  plan: Omit<PipelinePlan, 'ssh' | 'registry'>;
  /** Folder for the run's own files (the `trivy` link). */
  workDir: string;
  /**
   * build-push stamps org.opencontainers.image.created from it: a new value builds a new image (the demo's
   * update rollout), the same value and commit the same digest (the end-to-end tests' shared build).
   */
  sourceDateEpoch: number;
  /** Where the CLI's progress goes while it runs (its stderr). */
  progress: Writer;
}

export interface Shipment {
  /** The CLI's exit code: 0 success, 1 a step failed, 2 a usage error. */
  exitCode: number;
  /** Every step's result; absent when the CLI stopped before any step. */
  result?: CommandResult;
  /** The pipeline's outputs (`--json`), also after a failed step. */
  outputs: Record<string, string>;
  /** All the CLI printed on stderr: progress, step logs, the closing summary. */
  log: string;
  /** The folder the CLI keeps the run's files in (scan report, job summary), when it kept one. */
  runFolder?: string;
  /** The job summary GitHub would show, as the CLI wrote it. */
  jobSummaryFile?: string;
}

/** The caller's environment without K8S_SHIP_* (the CLI would take those as inputs) and with what the run sets. */
function cliEnvironment(ready: SandboxReady, trivyBin: string, sourceDateEpoch: number): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('K8S_SHIP_')),
  );
  return {
    ...env,
    DOCKER_HOST: ready.endpoints.docker.host,
    PATH: `${trivyBin}:${process.env.PATH ?? ''}`,
    // The registry password reaches the CLI in its environment only, never argv or a log.
    K8S_SHIP_PASSWORD: ready.registryPassword,
    SOURCE_DATE_EPOCH: String(sourceDateEpoch),
  };
}

/**
 * `k8s-ship pipeline` in-process on the sandbox (the root action.yml through the composite runner and the
 * committed bundles, as GitHub runs it), with the Trivy built from sandbox/trivy first on PATH and the local DB in its cache. The demo and the
 * end-to-end tests both ship through here.
 */
export async function shipOnSandbox(request: ShipRequest): Promise<Shipment> {
  const { endpoints } = request.ready;
  const argv = pipelineArguments({ ...request.plan, ssh: endpoints.ssh, registry: endpoints.registry });
  const trivyBin = await localTrivyBin(request.workDir, request.plan.trivyCacheDir);
  let stdout = '';
  let log = '';
  let result: CommandResult | undefined;
  const exitCode = await cli(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: {
      write: (text: string) => {
        log += text;
        return request.progress.write(text);
      },
    },
    env: cliEnvironment(request.ready, trivyBin, request.sourceDateEpoch),
    cwd: repoRoot,
    onResult: (value) => {
      result = value;
    },
  });
  const runFolder = /files of this run are in (\S+)/.exec(log)?.[1];
  const jobSummaryFile = /job summary in (\S+)/.exec(log)?.[1];
  return {
    exitCode,
    ...(result ? { result } : {}),
    outputs: stdout.trim() === '' ? {} : (JSON.parse(stdout) as Record<string, string>),
    log,
    ...(runFolder ? { runFolder } : {}),
    ...(jobSummaryFile ? { jobSummaryFile } : {}),
  };
}
