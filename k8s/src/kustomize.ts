import { execFile } from 'node:child_process';

export interface KustomizeOutput {
  yaml: string;
  /** Whatever kustomize printed besides the manifests: deprecation warnings land here. */
  stderr: string;
}

/** The kubectl to use: $KUBECTL when set, else the one on PATH. */
export function kubectlBinary(): string {
  return process.env.KUBECTL || 'kubectl';
}

/** Renders a kustomization directory with kubectl's built-in kustomize (no cluster needed). */
export function kustomizeBuild(dir: string, kubectl = kubectlBinary()): Promise<KustomizeOutput> {
  return new Promise((resolve, reject) => {
    execFile(
      kubectl,
      ['kustomize', dir],
      { maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(
            new Error(
              `kubectl not found (tried '${kubectl}'): install kubectl 1.32 or set KUBECTL to its path`,
            ),
          );
        } else if (error) {
          reject(new Error(`kubectl kustomize ${dir} failed: ${stderr.trim() || error.message}`));
        } else {
          resolve({ yaml: stdout, stderr });
        }
      },
    );
  });
}
