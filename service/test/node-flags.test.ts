import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../sandbox/src/paths.js';
import { SERVICE_NODE_FLAGS } from './support/service-process.js';

describe('the V8 flags of the service', () => {
  it('are the same in the image ENTRYPOINT as in the tests and benchmarks that start the bundle', () => {
    const dockerfile = readFileSync(join(repoRoot, 'service', 'Dockerfile'), 'utf8');
    const entrypoint = dockerfile.match(/^ENTRYPOINT (\[.*\])$/m);
    expect(entrypoint, 'service/Dockerfile has an exec-form ENTRYPOINT').not.toBeNull();
    expect(JSON.parse(entrypoint![1]!)).toEqual(['node', ...SERVICE_NODE_FLAGS, '/app/index.js']);
  });

  it('are the same in `npm run service`', () => {
    const script = readFileSync(join(repoRoot, 'scripts', 'service.sh'), 'utf8');
    expect(script).toContain(`exec node ${SERVICE_NODE_FLAGS.join(' ')} service/dist/index.js\n`);
  });
});
