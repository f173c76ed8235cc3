import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it, vi } from 'vitest';
import { parseKeyValueFile, parseWorkflowCommands } from '../../../runner/src/runner-files.js';
import { DOCKER_TAG } from '../../lib/src/docker/image-ref.js';
import { DNS1123_LABEL } from '../../lib/src/kubectl/names.js';
import { run } from '../src/main.js';
import { branchName } from './arbitraries.js';

// The whole action in-process, as the runner would call it, for many hostile branch names: it must never
// crash, never print a workflow command of the branch's making, and only ever log the name JSON-quoted.
const RUNS = 10_000;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'b2n-props-'));
});

afterAll(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe('run() with generated branch names', () => {
  it(`sets valid outputs and prints nothing unquoted for ${RUNS} branch names`, async () => {
    const eventPath = join(dir, 'event.json');
    const outputPath = join(dir, 'output');
    const summaryPath = join(dir, 'summary');
    vi.stubEnv('GITHUB_EVENT_NAME', 'push');
    vi.stubEnv('GITHUB_EVENT_PATH', eventPath);
    vi.stubEnv('GITHUB_OUTPUT', outputPath);
    vi.stubEnv('GITHUB_STEP_SUMMARY', summaryPath);
    vi.stubEnv('GITHUB_SHA', '9f2c1e8b7a6d5c4b3a29180f7e6d5c4b3a291807');
    vi.stubEnv('INPUT_PREVIEW', 'true');
    let printed = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed += String(chunk);
      return true;
    });
    await fc.assert(
      fc.asyncProperty(branchName, async (name) => {
        writeFileSync(eventPath, JSON.stringify({ ref: `refs/heads/${name}` }));
        writeFileSync(outputPath, '');
        writeFileSync(summaryPath, '');
        printed = '';
        process.exitCode = undefined;
        await run();
        // Plain checks rather than expect(): this runs 10,000 times. A failing run is shrunk and reported.
        const outputs = parseKeyValueFile(readFileSync(outputPath, 'utf8'));
        return (
          process.exitCode === undefined &&
          parseWorkflowCommands(printed).length === 0 &&
          printed.includes(JSON.stringify(name)) &&
          DNS1123_LABEL.test(outputs.namespace ?? '') &&
          DNS1123_LABEL.test(outputs.slug ?? '') &&
          DOCKER_TAG.test(outputs['image-tag'] ?? '') &&
          ['prod', 'stage', 'preview'].includes(outputs.environment ?? '') &&
          !/<(?!\/?(table|tr|th|td)>)/.test(readFileSync(summaryPath, 'utf8'))
        );
      }),
      { numRuns: RUNS },
    );
    process.exitCode = undefined;
  }, 120_000);
});
