// `npm run demo [-- --verbose]` (after scripts/bootstrap.sh): the whole pipeline on the local sandbox.
import { parseArgs } from 'node:util';
import { runDemo } from './demo.js';

const { values } = parseArgs({ options: { verbose: { type: 'boolean', default: false } } });
const result = await runDemo({ out: process.stdout, verbose: values.verbose });
process.exitCode = result.succeeded ? 0 : 1;
