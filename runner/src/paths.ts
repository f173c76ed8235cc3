import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The Node versions a bundle is run under: GitHub's `node24`, and the Node that runs these tests. */
export type NodeRuntime = 'node24' | 'local';
export const NODE_RUNTIMES: readonly NodeRuntime[] = ['node24', 'local'];

export function nodeBinary(runtime: NodeRuntime): string {
  if (runtime === 'local') return process.execPath;
  const binary = join(repoRoot, '.cache', 'node24', 'bin', 'node');
  if (!existsSync(binary)) {
    throw new Error(`Node 24 is missing at ${binary}: run 'bash scripts/install-node24.sh' to install it`);
  }
  return binary;
}
