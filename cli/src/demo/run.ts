// `npm run demo` (after scripts/bootstrap.sh): the whole pipeline on the local sandbox.
import { runDemo } from './demo.js';

const result = await runDemo({ out: process.stdout });
process.exitCode = result.succeeded ? 0 : 1;
