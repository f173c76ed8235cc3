import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { debianMirrorFromApt, parseDeb822Sources, parseOneLineSources } from './support/debian-mirror.js';

// Mirror names here are reserved example domains: the project names no package-registry host.
describe('finding the Debian mirror in apt sources', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads one-line entries, skipping deb-src, comments and options', () => {
    expect(
      parseOneLineSources(
        '# deb http://old.example/debian bookworm main\ndeb-src http://src.example/debian bookworm main\n' +
          'deb [signed-by=/k.gpg] http://mirror.example/debian bookworm main\n',
      ),
    ).toEqual([{ uri: 'http://mirror.example/debian', suites: ['bookworm'] }]);
  });

  it('reads deb822 stanzas with several URIs and suites, skipping disabled ones', () => {
    const text =
      'Types: deb\n# a comment\nURIs: http://a.example/debian http://b.example/debian\nSuites: bookworm bookworm-updates\n\n' +
      'Types: deb\nURIs: http://off.example/debian\nSuites: bookworm\nEnabled: no\n';
    expect(parseDeb822Sources(text)).toEqual([
      { uri: 'http://a.example/debian', suites: ['bookworm', 'bookworm-updates'] },
      { uri: 'http://b.example/debian', suites: ['bookworm', 'bookworm-updates'] },
    ]);
  });

  it('picks the source serving the suite itself from sources.list.d, ignoring other file kinds', () => {
    dir = mkdtempSync(join(tmpdir(), 'apt-'));
    mkdirSync(join(dir, 'sources.list.d'));
    writeFileSync(
      join(dir, 'sources.list.d', 'a-security.sources'),
      'Types: deb\nURIs: http://sec.example\nSuites: bookworm-security\n',
    );
    writeFileSync(
      join(dir, 'sources.list.d', 'b.list.disabled'),
      'deb http://disabled.example/debian bookworm main\n',
    );
    writeFileSync(
      join(dir, 'sources.list.d', 'c.sources'),
      'Types: deb\nURIs: http://main.example/debian\nSuites: bookworm\n',
    );
    expect(debianMirrorFromApt('bookworm', dir)).toBe('http://main.example/debian');
  });

  it('fails naming the suite and the files when no source serves it', () => {
    dir = mkdtempSync(join(tmpdir(), 'apt-'));
    writeFileSync(join(dir, 'sources.list'), 'deb http://mirror.example/debian trixie main\n');
    expect(() => debianMirrorFromApt('bookworm', dir)).toThrow(
      /no apt source for suite 'bookworm' in .*sources\.list/,
    );
  });
});
