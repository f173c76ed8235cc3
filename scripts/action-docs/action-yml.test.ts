import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readActionMetadata } from '../../actions/lib/src/metadata.js';
import { actionDirs, repoRoot } from './actions.js';

// What every action.yml of this repository promises its users; checked for each action as it appears.
describe.each(actionDirs().map((dir) => [relative(repoRoot, dir), dir] as const))(
  '%s/action.yml',
  (_name, dir) => {
    const metadata = readActionMetadata(join(dir, 'action.yml'));
    const raw = parse(readFileSync(join(dir, 'action.yml'), 'utf8')) as {
      branding?: { icon?: string; color?: string };
    };

    it('runs on node24 from a committed bundle under dist/', () => {
      expect(metadata.runs.using).toBe('node24');
      expect(metadata.runs.main).toBe('dist/index.js');
      for (const entry of [metadata.runs.main, metadata.runs.pre, metadata.runs.post]) {
        if (entry !== undefined) expect(existsSync(join(dir, entry)), `${entry} exists`).toBe(true);
      }
    });

    it('has branding for the Marketplace', () => {
      expect(raw.branding?.icon).toBeTruthy();
      expect(raw.branding?.color).toBeTruthy();
    });
  },
);
