/**
 * Branch patterns as in GitHub's `on.push.branches`: `*` matches within one path segment, `**` across
 * segments, `?` one character; everything else literally. Always anchored at both ends, so `main` never
 * matches `main-old`. Globs rather than regular expressions: no user-supplied regex to backtrack on.
 */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else {
      source += char.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, 's');
}

/** Patterns starting with `refs/` match the full ref (tags too); the others match branch names only. */
export function refMatches(
  pattern: string,
  ref: { kind: 'branch' | 'tag'; name: string; full: string },
): boolean {
  if (pattern.startsWith('refs/')) return globToRegExp(pattern).test(ref.full);
  return ref.kind === 'branch' && globToRegExp(pattern).test(ref.name);
}
