// Writes the inputs/outputs tables of every actions/*/README.md from its action.yml, after copying the
// shared SSH connection inputs (actions/lib/src/ssh/connection-inputs.yml) into the actions that take them.
//   npx tsx scripts/action-docs.ts           update the READMEs (creating missing ones)
//   npx tsx scripts/action-docs.ts --check   exit 1 when any README differs from what action.yml gives
//   npx tsx scripts/action-docs.ts NAME...   only these actions (folder names under actions/)
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { actionDirs, expectedReadme, repoRoot } from './action-docs/actions.js';
import {
  CONNECTION_INPUT_ACTIONS,
  CONNECTION_INPUTS_SOURCE,
  readConnectionInputs,
  withConnectionInputs,
} from './action-docs/connection-inputs.js';

const args = process.argv.slice(2);
const check = args.includes('--check');
const names = args.filter((arg) => !arg.startsWith('--'));
const dirs = actionDirs().filter((dir) => names.length === 0 || names.includes(basename(dir)));
const unknown = names.filter((name) => !dirs.some((dir) => basename(dir) === name));
if (unknown.length > 0) {
  console.error(`No action.yml under actions/ for: ${unknown.join(', ')}`);
  process.exit(2);
}
let drift = 0;
// First the SSH connection inputs (the READMEs are made from the action.yml files they land in).
const connectionInputs = readConnectionInputs(repoRoot);
for (const action of CONNECTION_INPUT_ACTIONS) {
  if (!dirs.some((dir) => basename(dir) === action)) continue;
  const path = join(repoRoot, 'actions', action, 'action.yml');
  const current = readFileSync(path, 'utf8');
  const expected = withConnectionInputs(current, connectionInputs, relative(repoRoot, path));
  if (current === expected) continue;
  if (check) {
    console.error(
      `${relative(repoRoot, path)} differs from ${CONNECTION_INPUTS_SOURCE}: run 'npm run docs:actions'`,
    );
    drift++;
  } else {
    writeFileSync(path, expected);
    console.log(`updated ${relative(repoRoot, path)} from ${CONNECTION_INPUTS_SOURCE}`);
  }
}
for (const dir of dirs) {
  const { readmePath, current, expected } = expectedReadme(dir);
  const name = relative(repoRoot, readmePath);
  if (current === expected) continue;
  if (check) {
    console.error(`${name} differs from its action.yml: run 'npm run docs:actions'`);
    drift++;
  } else {
    writeFileSync(readmePath, expected);
    console.log(`${current === undefined ? 'created' : 'updated'} ${name}`);
  }
}
if (drift > 0) process.exit(1);
