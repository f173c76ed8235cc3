import { describe, expect, it } from 'vitest';
import { DOCKER_TAG } from '../../lib/src/docker/image-ref.js';
import { DNS1123_LABEL } from '../../lib/src/kubectl/names.js';
import { dnsLabel, dockerTag, shortHash, slugify } from '../src/derived-names.js';

describe('slugify()', () => {
  it.each([
    ['feature/Add-Login', 'feature-add-login'],
    ['Crème_brûlée', 'creme-brulee'],
    ['--a//b__c--', 'a-b-c'],
    ['日本語', ''],
    ['$(rm -rf /)`id`', 'rm-rf-id'],
  ])('%j → %j', (text, slug) => {
    expect(slugify(text)).toBe(slug);
  });
});

describe('dnsLabel()', () => {
  it('keeps short names as their slug', () => {
    expect(dnsLabel('feature/x')).toBe('feature-x');
  });

  it('cuts long names to 63 characters with a hash of the full name', () => {
    const long = `feature/${'very-long-branch-name-'.repeat(5)}`;
    const label = dnsLabel(long);
    expect(label).toHaveLength(63);
    expect(label.endsWith(`-${shortHash(long)}`)).toBe(true);
    expect(label).toMatch(DNS1123_LABEL);
  });

  it('gives two long names with the same first 63 characters different labels', () => {
    const base = 'x'.repeat(80);
    expect(dnsLabel(`${base}-one`)).not.toBe(dnsLabel(`${base}-two`));
  });

  it('uses the hash alone when nothing of the name can be kept', () => {
    expect(dnsLabel('日本語')).toBe(shortHash('日本語'));
    expect(dnsLabel('日本語')).toMatch(DNS1123_LABEL);
  });

  it('never ends with a hyphen after cutting', () => {
    const label = dnsLabel(`${'a'.repeat(53)}-${'b'.repeat(20)}`);
    expect(label).toMatch(DNS1123_LABEL);
    expect(label).not.toContain('--');
  });
});

describe('dockerTag()', () => {
  it('keeps case, dots and underscores and replaces the rest', () => {
    expect(dockerTag('v1.4.2_RC+build/7')).toBe('v1.4.2_RC-build-7');
  });

  it('drops leading dots and hyphens, which a tag cannot start with', () => {
    expect(dockerTag('..-x')).toBe('x');
  });

  it('cuts to 128 characters with a hash and stays valid', () => {
    const tag = dockerTag('t'.repeat(300));
    expect(tag).toHaveLength(128);
    expect(tag).toMatch(DOCKER_TAG);
  });
});
