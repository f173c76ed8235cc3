import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The node's own registry credentials, for pods that name no pull secret: a Docker config folder, the
 * sandbox's analog of a kubelet's /var/lib/kubelet/config.json or of the ECR credential provider on the
 * AWS nodes. Whoever provisions the node writes `config.json` there (`docker --config DIR login`).
 */
export function nodeDockerConfigDir(kubeDir: string): string {
  return join(kubeDir, 'kubelet');
}

/** The folder when it holds a config.json, else undefined (the node has no credentials of its own). */
export function nodeCredentialsIn(dir: string | undefined): string | undefined {
  return dir !== undefined && existsSync(join(dir, 'config.json')) ? dir : undefined;
}
