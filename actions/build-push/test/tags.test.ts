import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { DOCKER_TAG } from '../../lib/src/docker/image-ref.js';
import { ConfigurationError } from '../../lib/src/index.js';
import { readActionMetadata } from '../../lib/src/metadata.js';
import { branchTag, isMovingTemplate, renderTags, semverOf, type TagContext } from '../src/tags.js';

const sha = '0123456789abcdef0123456789abcdef01234567';
/** Every kind of template, the moving ones included. */
const allKinds = ['{{sha}}', '{{short-sha}}', '{{branch}}', '{{semver}}', '{{major}}.{{minor}}', 'latest'];
const actionYml = join(dirname(fileURLToPath(import.meta.url)), '..', 'action.yml');
const actionDefaults = (readActionMetadata(actionYml).inputs.tags?.default ?? '')
  .split('\n')
  .map((line) => line.trim())
  .filter(Boolean);
const on = (ref: string, over: Partial<TagContext> = {}): TagContext => ({
  sha,
  ref,
  headRef: '',
  isProduction: false,
  ...over,
});

describe('renderTags', () => {
  test.each<[string, TagContext, string[]]>([
    ['a feature branch', on('refs/heads/feature/Login-Page'), [sha, '0123456', 'feature-login-page']],
    ['main in production', on('refs/heads/main', { isProduction: true }), [sha, '0123456', 'main', 'latest']],
    ['main outside production', on('refs/heads/main'), [sha, '0123456', 'main']],
    [
      'a release tag',
      on('refs/tags/v1.4.2', { isProduction: true }),
      [sha, '0123456', '1.4.2', '1.4', 'latest'],
    ],
    ['a pre-release tag', on('refs/tags/v2.0.0-rc.1'), [sha, '0123456', '2.0.0-rc.1']],
    ['a tag with build metadata', on('refs/tags/1.0.0+build.7'), [sha, '0123456', '1.0.0', '1.0']],
    ['a tag that is not semver', on('refs/tags/nightly'), [sha, '0123456']],
    ['a pull request', on('refs/pull/7/merge', { headRef: 'fix/bug#12' }), [sha, '0123456', 'fix-bug-12']],
  ])('on %s gives %j', (_, context, expected) => {
    expect(renderTags('tags', allKinds, context).tags).toEqual(expected);
  });

  test('says why a template was left out', () => {
    expect(renderTags('tags', allKinds, on('refs/heads/dev')).skipped).toEqual([
      '{{semver}}: no semver in refs/heads/dev',
      '{{major}}.{{minor}}: no major in refs/heads/dev',
      'latest: latest is only given to production builds',
    ]);
  });

  test('literal text around placeholders is kept and duplicates are dropped', () => {
    expect(
      renderTags('tags', ['build-{{short-sha}}', '{{sha}}', '{{ sha }}'], on('refs/heads/x')).tags,
    ).toEqual(['build-0123456', sha]);
  });

  test.each([
    [['{{version}}'], /Invalid input 'tags': '\{\{version\}\}'. Expected placeholders among \{\{sha\}\}/],
    [['has space'], /'has space' is not one/],
    [['-dash'], /Expected templates that render to Docker tags/],
    [['{{semver}}'], /Input 'tags' gave no tag for refs\/heads\/main \(\{\{semver\}\}: no semver/],
  ])('rejects %j with a message naming the input', (templates, message) => {
    expect(() => renderTags('tags', templates, on('refs/heads/main'))).toThrow(ConfigurationError);
    expect(() => renderTags('tags', templates, on('refs/heads/main'))).toThrow(message);
  });

  test('rejects a SHA that is not a commit SHA', () => {
    expect(() => renderTags('tags', ['{{sha}}'], on('refs/heads/x', { sha: 'abc' }))).toThrow(
      /GITHUB_SHA 'abc' is not a 40-character commit SHA/,
    );
  });
});

describe('the default templates', () => {
  test('are the content-addressed ones, none moving', () => {
    expect(actionDefaults).toEqual(['{{sha}}', '{{short-sha}}', '{{semver}}']);
    expect(actionDefaults.filter(isMovingTemplate)).toEqual([]);
  });

  test.each<[string, TagContext, string[]]>([
    ['a feature branch', on('refs/heads/feature/login'), [sha, '0123456']],
    ['main in production, without latest', on('refs/heads/main', { isProduction: true }), [sha, '0123456']],
    [
      'a release tag, with its version',
      on('refs/tags/v1.4.2', { isProduction: true }),
      [sha, '0123456', '1.4.2'],
    ],
    ['a pull request, without the branch', on('refs/pull/7/merge', { headRef: 'fix/bug' }), [sha, '0123456']],
  ])('on %s give %j and no moving tag', (_, context, expected) => {
    const rendered = renderTags('tags', actionDefaults, context);
    expect(rendered.tags).toEqual(expected);
    expect(rendered.moving.size).toBe(0);
  });
});

describe('moving templates', () => {
  test.each([
    ['latest', true],
    ['{{branch}}', true],
    ['{{major}}', true],
    ['{{major}}.{{minor}}', true],
    ['stable', true],
    ['{{branch}}-nightly', true],
    ['{{sha}}', false],
    ['{{ short-sha }}', false],
    ['{{semver}}', false],
    ['{{major}}.{{minor}}.{{patch}}', false],
    ['{{branch}}-{{short-sha}}', false],
  ])('%j moves: %s', (template, moving) => {
    expect(isMovingTemplate(template)).toBe(moving);
  });

  test('opted in, they are rendered, each tag remembered with its template', () => {
    const rendered = renderTags('tags', allKinds, on('refs/heads/main', { isProduction: true }));
    expect(rendered.tags).toEqual([sha, '0123456', 'main', 'latest']);
    expect([...rendered.moving]).toEqual([
      ['main', '{{branch}}'],
      ['latest', 'latest'],
    ]);
  });
});

describe('branchTag', () => {
  test.each([
    ['main', 'main'],
    ['Feature/ÄÖÜ', 'feature'],
    ['$(rm -rf /)', 'rm-rf'],
    ['--..weird..--', 'weird'],
    ['🙂', undefined],
  ])('%j becomes %j', (branch, tag) => {
    expect(branchTag(branch)).toBe(tag);
  });

  test('two long branches with the same start get different valid tags', () => {
    const a = branchTag(`${'x'.repeat(200)}-a`) as string;
    const b = branchTag(`${'x'.repeat(200)}-b`) as string;
    expect(a).not.toBe(b);
    for (const tag of [a, b]) {
      expect(tag.length).toBeLessThanOrEqual(128);
      expect(tag).toMatch(DOCKER_TAG);
    }
  });
});

describe('semverOf', () => {
  test.each([
    ['refs/tags/v1.2.3', '1.2.3'],
    ['refs/tags/1.2.3-beta.2', '1.2.3-beta.2'],
    ['refs/tags/v01.2.3', undefined],
    ['refs/heads/v1.2.3', undefined],
  ])('%s gives %s', (ref, full) => {
    expect(semverOf(ref)?.full).toBe(full);
  });
});
