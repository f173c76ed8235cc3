import { describe, expect, it } from 'vitest';
import {
  fromLabelSelectorObject,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  selectorToString,
} from '../src/kube/api/selectors.js';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'front', version: '3' };

  it.each([
    ['app=web', true],
    ['app==web,tier=front', true],
    ['app!=web', false],
    ['app in (web, api)', true],
    ['tier notin (front)', false],
    ['app,!missing', true],
    ['missing', false],
    ['version>2', true],
    ['version<3', false],
  ])('%s matches: %s', (text, expected) => {
    expect(matchesLabels(parseLabelSelector(text), labels)).toBe(expected);
  });

  it('rejects what it cannot parse, quoting the requirement', () => {
    expect(() => parseLabelSelector('app=(x')).toThrow(/unable to parse requirement: found 'app=\(x'/);
  });

  it('turns a Deployment selector into the string kubectl shows', () => {
    const selector = fromLabelSelectorObject({
      matchLabels: { app: 'web' },
      matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }],
    });
    expect(selectorToString(selector)).toBe('app=web,tier in (a,b)');
  });
});

describe('field selectors', () => {
  it('compares dotted paths for equality and inequality', () => {
    const pod = { metadata: { name: 'p', namespace: 'n' }, status: { phase: 'Running' } };
    expect(matchesFields(parseFieldSelector('metadata.name=p,status.phase!=Pending'), pod)).toBe(true);
    expect(matchesFields(parseFieldSelector('metadata.namespace==other'), pod)).toBe(false);
  });
});
