import { runPostStep } from '../../lib/src/index.js';
import { cleanup } from './logout.js';

await runPostStep('build-push', () => cleanup());
