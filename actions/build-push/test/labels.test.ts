import { describe, expect, test } from 'vitest';
import { ociLabels, parseLabels } from '../src/labels.js';

describe('ociLabels', () => {
  test('names source, revision, created and version', () => {
    expect(
      ociLabels({
        serverUrl: 'https://github.com',
        repository: 'acme/shop',
        sha: 'abc',
        version: '1.2.3',
        created: new Date('2025-01-02T03:04:05Z'),
      }),
    ).toEqual({
      'org.opencontainers.image.source': 'https://github.com/acme/shop',
      'org.opencontainers.image.revision': 'abc',
      'org.opencontainers.image.created': '2025-01-02T03:04:05.000Z',
      'org.opencontainers.image.version': '1.2.3',
    });
  });
});

describe('parseLabels', () => {
  test('keeps everything after the first = as the value', () => {
    expect(parseLabels('labels', ['team=payments', 'org.example.query=a=b'])).toEqual({
      team: 'payments',
      'org.example.query': 'a=b',
    });
  });

  test.each([['no-equals'], ['=value'], ['bad key=v']])('rejects %j naming the input', (line) => {
    expect(() => parseLabels('labels', [line])).toThrow(
      /Invalid input 'labels'.*Expected one key=value a line/,
    );
  });
});
