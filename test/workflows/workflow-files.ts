import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../../runner/src/paths.js';

/** A workflow or an action metadata file, with its text. */
export interface ActionsFile {
  /** Relative to the repository root, with `/`. */
  path: string;
  kind: 'workflow' | 'action';
  text: string;
}

// Folders that hold no file of ours: dependencies, build outputs, tool and sandbox state.
const SKIPPED_FOLDERS = new Set([
  'node_modules',
  'dist',
  '.git',
  '.state',
  '.cache',
  'reports',
  '.terraform',
]);

function actionFilesUnder(dir: string, found: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) actionFilesUnder(join(dir, entry.name), found);
    } else if (entry.name === 'action.yml' || entry.name === 'action.yaml') {
      found.push(join(dir, entry.name));
    }
  }
}

/** Every workflow in .github/workflows and every action.yml in the repository (root, actions/*, fixtures). */
export function repositoryActionsFiles(root = repoRoot): ActionsFile[] {
  const workflowDir = join(root, '.github', 'workflows');
  const workflows = readdirSync(workflowDir)
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => join(workflowDir, name));
  const actions: string[] = [];
  actionFilesUnder(root, actions);
  const read = (path: string, kind: ActionsFile['kind']): ActionsFile => ({
    path: relative(root, path).split('\\').join('/'),
    kind,
    text: readFileSync(path, 'utf8'),
  });
  return [
    ...workflows.map((path) => read(path, 'workflow')),
    ...actions.sort().map((path) => read(path, 'action')),
  ];
}
