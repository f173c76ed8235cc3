// Writes the inputs/outputs tables of every actions/*/README.md from its action.yml.
//   npx tsx scripts/action-docs.ts           update the READMEs (creating missing ones)
//   npx tsx scripts/action-docs.ts --check   exit 1 when any README differs from what action.yml gives
//   npx tsx scripts/action-docs.ts NAME...   only these actions (folder names under actions/)
import { writeFileSync } from 'node:fs';
import { basename, relative } from 'node:path';
import { actionDirs, expectedReadme, repoRoot } from './action-docs/actions.js';

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
