import { describe, expect, test } from 'vitest';
import { activeIgnoredIds, parseTrivyIgnore, TrivyIgnoreError } from '../src/trivyignore.js';

describe('parseTrivyIgnore', () => {
  test('reads IDs, skips comments and blank lines, and keeps expiry dates', () => {
    const rules = parseTrivyIgnore(
      '# accepted risks\nCVE-2019-1549\n\n  CVE-2019-1551 exp:2030-01-31  # until the base image moves\nGHSA-abcd-1234-wxyz\r\n',
      '.trivyignore',
    );
    expect(rules).toEqual([
      { id: 'CVE-2019-1549', line: 2 },
      { id: 'CVE-2019-1551', line: 4, expires: new Date('2030-01-31T00:00:00Z') },
      { id: 'GHSA-abcd-1234-wxyz', line: 5 },
    ]);
  });

  test.each([
    ['CVE-1 later', /\.trivyignore:1: unexpected 'later'; expected exp:YYYY-MM-DD/],
    ['CVE-1 exp:2030-02-30', /'exp:2030-02-30' is not a valid calendar date/],
    ['$(touch /tmp/x)', /is not a vulnerability ID/],
  ])('rejects %s with the file, line and what was expected', (text, message) => {
    expect(() => parseTrivyIgnore(text, '.trivyignore')).toThrow(TrivyIgnoreError);
    expect(() => parseTrivyIgnore(text, '.trivyignore')).toThrow(message);
  });
});

describe('activeIgnoredIds', () => {
  const rules = parseTrivyIgnore('CVE-A\nCVE-B exp:2025-06-01\nCVE-C exp:2025-06-02', 'f');
  test.each([
    ['2025-05-31T23:59:59Z', ['CVE-A', 'CVE-B', 'CVE-C']],
    ['2025-06-01T00:00:00Z', ['CVE-A', 'CVE-C']],
    ['2025-06-02T12:00:00Z', ['CVE-A']],
  ])('at %s the exceptions in force are %j', (now, ids) => {
    expect([...activeIgnoredIds(rules, new Date(now))].sort()).toEqual(ids);
  });
});
