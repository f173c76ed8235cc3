import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { k8sRoot } from './paths.js';

const repoRoot = resolve(k8sRoot, '..');

/**
 * Formats text as the repository's Biome would format the file at `path` (relative to the repository),
 * so that generated YAML is committed in the form `biome ci` expects and stays byte-comparable.
 */
export function formatWithBiome(text: string, path: string): Promise<string> {
  const biome = join(repoRoot, 'node_modules', '.bin', 'biome');
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      biome,
      ['format', `--stdin-file-path=${path}`],
      { cwd: repoRoot, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error)
          reject(
            new Error(
              `biome format of ${path} failed (run npm ci first?): ${stderr.trim() || error.message}`,
            ),
          );
        else resolvePromise(stdout);
      },
    );
    child.stdin?.end(text);
  });
}
