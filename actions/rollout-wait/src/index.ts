import { runAction } from '../../lib/src/index.js';
import { run } from './main.js';

await runAction('rollout-wait', () => run());
