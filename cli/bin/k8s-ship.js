#!/usr/bin/env node
// The CLI is used from a clone of this repository, where tsx (a dev dependency) is installed: it runs the
// TypeScript sources directly, so the CLI and the tests share one code path with nothing to build.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
