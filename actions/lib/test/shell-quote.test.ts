import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shellCommand, shellQuote } from '../src/shell-quote.js';

// What real shells make of the quoted words: printf prints each argument NUL-terminated.
function parsedBy(shell: string, args: readonly string[]): string[] {
  const out = execFileSync(shell, ['-c', `printf '%s\\0' ${shellCommand(args)}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

const pieces = [
  "'",
  '"',
  '\\',
  '$',
  '$(id)',
  '`id`',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax, on purpose
  '${HOME}',
  ';',
  '&',
  '|',
  '\n',
  '\t',
  ' ',
  '*',
  '?',
  '~',
  '#',
  '!',
  '-',
  'é',
  '🚀',
  'a',
];
const argument = fc.oneof(
  fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((parts) => parts.join('')),
  fc.string({ unit: 'grapheme', maxLength: 30 }).filter((s) => !s.includes('\0')),
);

describe('shellQuote()', () => {
  it.each([
    ['plain-name_1.2', 'plain-name_1.2'],
    ['', "''"],
    ["it's", "'it'\\''s'"],
    ['$(id)', "'$(id)'"],
    ['a b', "'a b'"],
  ])('%j → %s', (arg, quoted) => {
    expect(shellQuote(arg)).toBe(quoted);
  });

  it('refuses a NUL byte, which no argv can carry', () => {
    expect(() => shellQuote('a\0b')).toThrow('cannot contain a NUL byte');
  });

  it('refuses an empty command', () => {
    expect(() => shellCommand([])).toThrow('no program given');
  });

  it.each(['/bin/sh', '/bin/bash'])(
    '%s parses every quoted argument back to itself',
    (shell) => {
      fc.assert(
        fc.property(fc.array(argument, { minLength: 1, maxLength: 5 }), (args) => {
          expect(parsedBy(shell, args)).toEqual(args);
        }),
        { numRuns: 150 },
      );
    },
    60_000,
  );
});
