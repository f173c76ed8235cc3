import { describe, expect, test } from 'vitest';
import { type ImageScanOptions, TrivyCli } from '../../src/trivy/trivy-cli.js';
import { FakeCommandRunner } from '../fakes/command-runner.js';

const password = 'pa55,word with spaces\n';
const scan: ImageScanOptions = {
  image: '127.0.0.1:5000/shop/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
  output: '/tmp/report.json',
  cacheDir: '/tmp/cache',
  ignoreUnfixed: false,
  timeoutSeconds: 600,
};

describe('TrivyCli.scanImage', () => {
  test('hands the registry password to Trivy on stdin only: never on argv, never in the environment', async () => {
    const runner = new FakeCommandRunner();
    await new TrivyCli(runner, '/opt/trivy').scanImage({
      ...scan,
      registryCredentials: { username: 'k8s-ship', password },
    });
    const [call] = runner.calls;
    expect(call?.args).toEqual([
      'image',
      '--scanners',
      'vuln',
      '--format',
      'json',
      '--output',
      '/tmp/report.json',
      '--cache-dir',
      '/tmp/cache',
      '--skip-db-update',
      '--exit-code',
      '0',
      '--timeout',
      '600s',
      '--quiet',
      '--username=k8s-ship',
      '--password-stdin',
      '--',
      scan.image,
    ]);
    expect(call?.options.stdin).toBe(password);
    expect(JSON.stringify(call?.args)).not.toContain('pa55');
    expect(JSON.stringify(call?.options.env ?? {})).not.toContain('pa55');
  });

  test('without credentials Trivy gets neither --username nor --password-stdin, and no stdin', async () => {
    const runner = new FakeCommandRunner();
    await new TrivyCli(runner, '/opt/trivy').scanImage(scan);
    const [call] = runner.calls;
    expect(call?.args).not.toContain('--password-stdin');
    expect(call?.args.some((arg) => arg.startsWith('--username'))).toBe(false);
    expect(call?.options.stdin).toBeUndefined();
  });

  test('a user name starting with a dash stays the value of --username', async () => {
    const runner = new FakeCommandRunner();
    await new TrivyCli(runner, '/opt/trivy').scanImage({
      ...scan,
      registryCredentials: { username: '-robot', password: 'p' },
    });
    expect(runner.calls[0]?.args).toContain('--username=-robot');
  });
});
