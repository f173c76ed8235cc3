import { describe, expect, test } from 'vitest';
import { checksumFor, DEFAULT_TRIVY_VERSION, trivyAssetName } from '../../src/trivy/installer.js';
import { PINNED_TRIVY_SHA256 } from '../../src/trivy/pinned-checksums.js';

const sha = 'b'.repeat(64);

describe('trivyAssetName', () => {
  test.each([
    ['linux', 'x64', 'trivy_0.58.1_Linux-64bit.tar.gz'],
    ['linux', 'arm64', 'trivy_0.58.1_Linux-ARM64.tar.gz'],
    ['darwin', 'arm64', 'trivy_0.58.1_macOS-ARM64.tar.gz'],
  ])('%s/%s downloads %s', (platform, arch, asset) => {
    expect(trivyAssetName('0.58.1', platform as NodeJS.Platform, arch as NodeJS.Architecture)).toBe(asset);
  });

  test('a platform without a release says so', () => {
    expect(() => trivyAssetName('0.58.1', 'win32', 'x64')).toThrow(/no release for win32\/x64/);
  });
});

describe('checksumFor', () => {
  test.each([
    [`${'a'.repeat(64)}  other.tar.gz\n${sha}  trivy.tar.gz\n`],
    [`${sha}  trivy.tar.gz\r\n`],
    [`${sha} *trivy.tar.gz`],
  ])('finds the asset line in %j', (file) => {
    expect(checksumFor(file, 'trivy.tar.gz')).toBe(sha);
  });

  test('does not take a line for a similarly named asset', () => {
    expect(() => checksumFor(`${sha}  trivy.tar.gz.sig`, 'trivy.tar.gz')).toThrow(
      /lists no sha256 for trivy.tar.gz/,
    );
  });
});

describe('PINNED_TRIVY_SHA256', () => {
  test.each(['x64', 'arm64'])('pins the default version’s Linux %s tarball', (arch) => {
    const asset = trivyAssetName(DEFAULT_TRIVY_VERSION, 'linux', arch as NodeJS.Architecture);
    expect(PINNED_TRIVY_SHA256[asset]).toMatch(/^[0-9a-f]{64}$/);
  });

  test('every key is a release asset name and no two assets share a value', () => {
    for (const asset of Object.keys(PINNED_TRIVY_SHA256)) {
      expect(asset).toMatch(/^trivy_\d+\.\d+\.\d+_(Linux|macOS)-(64bit|ARM64)\.tar\.gz$/);
    }
    const values = Object.values(PINNED_TRIVY_SHA256);
    expect(new Set(values).size).toBe(values.length);
  });
});
