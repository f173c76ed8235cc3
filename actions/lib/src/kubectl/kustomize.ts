import {
  CommandNotFoundError,
  type CommandResult,
  type CommandRunner,
  ProcessCommandRunner,
} from '../command.js';

export interface KustomizeOutput {
  yaml: string;
  /** Whatever kustomize printed besides the manifests: deprecation warnings land here. */
  stderr: string;
}

export interface KustomizeOptions {
  /** kubectl on this machine; default `localKubectlPath()`. */
  kubectl?: string;
  runner?: CommandRunner;
}

/** kubectl on this machine: $KUBECTL when set (a pinned one for k8s/ and its tests), else the one on PATH. */
export function localKubectlPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.KUBECTL || 'kubectl';
}

/** Renders a kustomization directory with kubectl's built-in kustomize (no cluster needed). */
export async function kustomizeBuild(dir: string, options: KustomizeOptions = {}): Promise<KustomizeOutput> {
  const kubectl = options.kubectl ?? localKubectlPath();
  const runner = options.runner ?? new ProcessCommandRunner();
  let result: CommandResult;
  try {
    result = await runner.run(kubectl, ['kustomize', dir], { ignoreExitCode: true });
  } catch (error) {
    if (error instanceof CommandNotFoundError) {
      throw new Error(
        `kubectl not found (tried '${kubectl}'): install kubectl 1.32 or set KUBECTL to its path`,
      );
    }
    throw error;
  }
  if (result.exitCode !== 0) {
    const cause = result.stderr.trim() || `exit code ${result.exitCode}`;
    throw new Error(`kubectl kustomize ${dir} failed: ${cause}`);
  }
  return { yaml: result.stdout, stderr: result.stderr };
}
