import { describe, expect, it } from 'vitest';
import { globToRegExp, refMatches } from '../src/glob.js';
import { matchRule, parseMapping } from '../src/mapping.js';
import type { DeployRef } from '../src/ref.js';

const branch = (name: string): DeployRef => ({ kind: 'branch', name, full: `refs/heads/${name}` });
const tag = (name: string): DeployRef => ({ kind: 'tag', name, full: `refs/tags/${name}` });

describe('globToRegExp()', () => {
  it.each([
    ['main', 'main', true],
    ['main', 'main-old', false],
    ['main', 'old-main', false],
    ['release/*', 'release/1.2', true],
    ['release/*', 'release/1.2/hotfix', false],
    ['release/**', 'release/1.2/hotfix', true],
    ['v?', 'v1', true],
    ['v?', 'v/', false],
    ['a.b', 'axb', false],
    ['(a|b)+', '(a|b)+', true],
    ['(a|b)+', 'a', false],
  ])('%s matches %s: %s', (pattern, name, matches) => {
    expect(globToRegExp(pattern).test(name)).toBe(matches);
  });

  it('refMatches() applies refs/ patterns to the full ref and the others to branches only', () => {
    expect(refMatches('refs/tags/v*', tag('v1.2.3'))).toBe(true);
    expect(refMatches('v*', tag('v1.2.3'))).toBe(false);
    expect(refMatches('main', branch('main'))).toBe(true);
    expect(refMatches('refs/heads/main', branch('main'))).toBe(true);
  });
});

describe('parseMapping()', () => {
  it('uses main=prod, stage=stage when empty', () => {
    expect(parseMapping('mapping', '')).toEqual([
      { pattern: 'main', environment: 'prod' },
      { pattern: 'stage', environment: 'stage' },
    ]);
  });

  it('reads pattern=environment lines, with comments and spaces', () => {
    const rules = parseMapping('mapping', '# ours\nmain = prod\nrelease/** = stage\n');
    expect(rules).toEqual([
      { pattern: 'main', environment: 'prod' },
      { pattern: 'release/**', environment: 'stage' },
    ]);
    expect(matchRule(rules, branch('release/1/x'))?.environment).toBe('stage');
    expect(matchRule(rules, branch('feature/x'))).toBeUndefined();
  });

  it('reads a YAML map in order', () => {
    const rules = parseMapping('mapping', "main: prod\n'release/*': stage\n'refs/tags/v*': prod\n");
    expect(rules.map((r) => r.pattern)).toEqual(['main', 'release/*', 'refs/tags/v*']);
    expect(matchRule(rules, tag('v2.0.0'))?.environment).toBe('prod');
  });

  it.each([
    ['main=Prod', "Invalid input 'mapping': 'Prod'. Expected an environment name"],
    [
      'main: [prod]',
      "Invalid input 'mapping': 'main: [prod]'. Expected lines of 'branch-pattern=environment'",
    ],
    ['- main', "Invalid input 'mapping': '- main'. Expected lines of"],
    ['main=prod=x', "Invalid input 'mapping': 'main=prod=x'. Expected lines of"],
  ])('rejects %j naming the input and the format', (text, message) => {
    expect(() => parseMapping('mapping', text)).toThrow(message);
  });
});
