import fc from 'fast-check';

// Pieces a hostile or unlucky branch name is made of: shell syntax, workflow-command syntax, YAML and
// JSON specials, control characters, unicode of several scripts and widths.
const NASTY_PIECES = [
  '$(',
  ')',
  '`',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, on purpose
  '${{ github.token }}',
  ';',
  '|',
  '&&',
  '>',
  '<',
  '\n',
  '\r\n',
  '\t',
  ' ',
  '\0',
  '"',
  "'",
  '\\',
  '*',
  '?',
  '::error::',
  '::add-mask::',
  '::set-output name=x::',
  '%0A',
  'rm -rf /',
  'touch CANARY',
  'main',
  'stage',
  'feature/',
  '/',
  '-',
  '_',
  '.',
  '..',
  'é',
  'Ⅻ',
  'ß',
  '日本',
  '🚀',
  '\u200b',
  '\ud800',
  'A',
  '9',
];

/** Branch names: hostile compositions, arbitrary unicode, and names of 250 characters. */
export const branchName: fc.Arbitrary<string> = fc.oneof(
  fc.array(fc.constantFrom(...NASTY_PIECES), { minLength: 1, maxLength: 40 }).map((parts) => parts.join('')),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 250, maxLength: 250 }),
  fc
    .array(fc.constantFrom(...NASTY_PIECES), { minLength: 60, maxLength: 120 })
    .map((parts) => parts.join('').slice(0, 250)),
);
