import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type ActionMetadata, readActionMetadata } from '../../actions/lib/src/metadata.js';
import { repoRoot } from '../../runner/src/paths.js';

/** A command: one of the actions, or `pipeline` (the root composite action). */
export interface Command {
  name: string;
  actionDir: string;
  metadata: ActionMetadata;
  kind: 'javascript' | 'composite';
}

export const PIPELINE_COMMAND = 'pipeline';

/** Every action of this repository that has a bundle to run, and the root pipeline. */
export function listCommands(root = repoRoot): Command[] {
  const actionsDir = join(root, 'actions');
  const commands: Command[] = [];
  for (const name of readdirSync(actionsDir).sort()) {
    const actionDir = join(actionsDir, name);
    if (!existsSync(join(actionDir, 'action.yml'))) continue;
    const metadata = readActionMetadata(join(actionDir, 'action.yml'));
    // An action whose bundle is not built yet cannot run; it is left out rather than failing later.
    if (!metadata.runs.main || !existsSync(join(actionDir, metadata.runs.main))) continue;
    commands.push({ name, actionDir, metadata, kind: 'javascript' });
  }
  commands.push({
    name: PIPELINE_COMMAND,
    actionDir: root,
    metadata: readActionMetadata(join(root, 'action.yml')),
    kind: 'composite',
  });
  return commands;
}
