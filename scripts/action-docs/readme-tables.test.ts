import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseActionMetadata } from '../../actions/lib/src/metadata.js';
import { actionDirs, expectedReadme, repoRoot } from './actions.js';
import { END_MARKER, renderActionTables, replaceGeneratedBlock, START_MARKER } from './render.js';

const metadata = parseActionMetadata(
  `
name: Demo
description: Demo action
inputs:
  mapping:
    description: |
      Branch patterns.
      One a line | or YAML.
    default: |
      main=prod
      stage=stage
  token:
    description: A token.
    required: true
  prefix:
    description: Prefix.
    default: ''
outputs:
  namespace:
    description: The namespace.
runs:
  using: node24
  main: dist/index.js
`,
  'demo/action.yml',
);

describe('renderActionTables()', () => {
  it('renders inputs with required and defaults, and outputs, between the markers', () => {
    expect(renderActionTables(metadata)).toBe(
      [
        START_MARKER,
        '',
        '### Inputs',
        '',
        '| name | description | required | default |',
        '| --- | --- | --- | --- |',
        '| `mapping` | Branch patterns. One a line \\| or YAML. | no | `main=prod`<br>`stage=stage` |',
        '| `token` | A token. | yes |  |',
        "| `prefix` | Prefix. | no | `''` |",
        '',
        '### Outputs',
        '',
        '| name | description |',
        '| --- | --- |',
        '| `namespace` | The namespace. |',
        '',
        END_MARKER,
      ].join('\n'),
    );
  });

  it('replaceGeneratedBlock() keeps the hand-written text around the block', () => {
    const readme = `# Demo\n\nIntro.\n\n${START_MARKER}\nold\n${END_MARKER}\n\n## Usage\n`;
    expect(replaceGeneratedBlock(readme, 'NEW', 'README.md')).toBe('# Demo\n\nIntro.\n\nNEW\n\n## Usage\n');
    expect(() => replaceGeneratedBlock('# Demo\n', 'NEW', 'demo/README.md')).toThrow(
      'demo/README.md: add the lines',
    );
  });
});

describe('every action README', () => {
  const dirs = actionDirs();

  it('finds the actions of this repository', () => {
    expect(dirs.map((dir) => relative(repoRoot, dir))).toContain('actions/branch-to-namespace');
  });

  it.each(dirs.map((dir) => [relative(repoRoot, dir), dir]))(
    '%s/README.md has the tables its action.yml generates (fix: npm run docs:actions)',
    (_name, dir) => {
      const { current, expected } = expectedReadme(dir as string);
      expect(current, 'README.md is missing').toBeDefined();
      expect(current).toBe(expected);
    },
  );
});
