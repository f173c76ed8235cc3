import { describe, expect, it } from 'vitest';
import { parseImageReference } from '../src/image-reference.js';

describe('parseImageReference', () => {
  it.each([
    ['k8s-ship/service:0.1.0', { name: 'k8s-ship/service', tag: '0.1.0' }],
    [
      '127.0.0.1:5000/k8s-ship/service:main-3f2a1b',
      { name: '127.0.0.1:5000/k8s-ship/service', tag: 'main-3f2a1b' },
    ],
    [
      `123456789012.dkr.ecr.eu-west-1.amazonaws.com/svc@sha256:${'0'.repeat(64)}`,
      { name: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/svc', digest: `sha256:${'0'.repeat(64)}` },
    ],
    [`svc:1.2@sha256:${'f'.repeat(64)}`, { name: 'svc', tag: '1.2', digest: `sha256:${'f'.repeat(64)}` }],
  ])('splits %s', (reference, expected) => {
    expect(parseImageReference(reference)).toEqual(expected);
  });

  it.each([
    [
      'svc:latest',
      "Invalid image 'svc:latest': the tag latest is not pinned; expected REPOSITORY:TAG or REPOSITORY@sha256:DIGEST with a tag other than latest.",
    ],
    ['127.0.0.1:5000/svc', 'it has neither tag nor digest'],
    ['Svc:1', "repository 'Svc' is not a valid lowercase image name"],
    ['svc@sha256:abc', "digest 'sha256:abc' is not sha256 and 64 hex digits"],
    ['svc:1;rm -rf /', "Invalid image 'svc:1;rm -rf /'"],
    ['svc:$(id)', 'is not a valid Docker tag'],
  ])('refuses %s, saying why', (reference, message) => {
    expect(() => parseImageReference(reference)).toThrow(message);
  });
});
