import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readActionMetadata } from '../../actions/lib/src/metadata.js';
import { newReadme, renderActionTables, replaceGeneratedBlock } from './render.js';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Every folder under actions/ that has an action.yml. */
export function actionDirs(root = repoRoot): string[] {
  const actionsDir = join(root, 'actions');
  return readdirSync(actionsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(actionsDir, entry.name, 'action.yml')))
    .map((entry) => join(actionsDir, entry.name))
    .sort();
}

/**
 * Formats Markdown the way `biome check --write` will (it aligns table columns), so that the generator and
 * the formatter agree and never undo each other's work.
 */
export function formatMarkdown(text: string, path: string, root = repoRoot): string {
  const biome = join(root, 'node_modules', '.bin', 'biome');
  return execFileSync(biome, ['format', `--stdin-file-path=${path}`], {
    input: text,
    encoding: 'utf8',
    cwd: root,
  });
}

export interface ReadmeState {
  readmePath: string;
  /** What is on disk now; undefined when there is no README. */
  current: string | undefined;
  /** What it should be. */
  expected: string;
}

/** The README an action should have, given its action.yml, next to the one it has. */
export function expectedReadme(actionDir: string, root = repoRoot): ReadmeState {
  const metadata = readActionMetadata(join(actionDir, 'action.yml'));
  const readmePath = join(actionDir, 'README.md');
  const block = renderActionTables(metadata);
  const current = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : undefined;
  const unformatted =
    current === undefined
      ? newReadme(metadata, block)
      : replaceGeneratedBlock(current, block, relative(root, readmePath));
  const expected = formatMarkdown(unformatted, relative(root, readmePath), root);
  return { readmePath, current, expected };
}
