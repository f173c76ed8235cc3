import { runAction } from '../../lib/src/index.js';
import { run } from './main.js';

await runAction('tag-image', () => run());
