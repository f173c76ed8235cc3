import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../runner/src/paths.js';
import type { ActionsFile } from './workflow-files.js';

type SchemaInput = Pick<ActionsFile, 'path' | 'kind' | 'text'>;

/**
 * The errors GitHub's own workflow parser (schema, keys, expressions) reports for each file, in order.
 * The parser runs in one child process under tsx (see schema-check-worker.ts for why).
 */
export function schemaErrors(files: readonly SchemaInput[]): Promise<string[][]> {
  const worker = join(repoRoot, 'test', 'workflows', 'schema-check-worker.ts');
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', worker],
      { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`workflow parser failed: ${stderr || error.message}`));
        else resolve(JSON.parse(stdout) as string[][]);
      },
    );
    child.stdin?.end(JSON.stringify(files));
  });
}
