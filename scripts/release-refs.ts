// Pins the local `uses:` of the files a release ships to this repository at a commit (see
// release-refs/rewrite.ts), in place, and prints each rewritten line.
//   npx tsx scripts/release-refs.ts --repository OWNER/REPO --sha SHA --version vX.Y.Z FILE...
// Exit codes: 0 done, 1 a file cannot be rewritten, 2 wrong arguments.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkReleaseRefs, type ReleaseRefs, rewriteLocalUses } from './release-refs/rewrite.js';

function parse(argv: string[]): { refs: ReleaseRefs; files: string[] } {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { repository: { type: 'string' }, sha: { type: 'string' }, version: { type: 'string' } },
    allowPositionals: true,
  });
  const refs = { repository: values.repository ?? '', sha: values.sha ?? '', version: values.version ?? '' };
  checkReleaseRefs(refs);
  if (positionals.length === 0) throw new Error('name at least one file to rewrite');
  return { refs, files: positionals };
}

let parsed: ReturnType<typeof parse>;
try {
  parsed = parse(process.argv.slice(2));
} catch (error) {
  console.error(`release-refs: ${(error as Error).message}`);
  console.error('usage: release-refs --repository OWNER/REPO --sha SHA --version vX.Y.Z FILE...');
  process.exit(2);
}
try {
  // Every file is rewritten in memory first, so that a file that cannot be leaves all of them untouched.
  const results = parsed.files.map((file) => ({
    file,
    ...rewriteLocalUses(readFileSync(file, 'utf8'), parsed.refs, file),
  }));
  for (const { file, text, rewritten } of results) {
    writeFileSync(file, text);
    for (const line of rewritten) console.log(`${file}:${line.line}: ${line.to.trim()}`);
    if (rewritten.length === 0) console.log(`${file}: no local uses:`);
  }
} catch (error) {
  console.error(`release-refs: ${(error as Error).message}`);
  process.exit(1);
}
