import { describe, expect, test } from 'vitest';
import {
  type BuildSpec,
  buildxCommand,
  buildxMetadataDigest,
  buildxPushByDigestCommand,
  classicBuildCommand,
} from '../../src/docker/build-command.js';

const spec = (over: Partial<BuildSpec> = {}): BuildSpec => ({
  context: '.',
  buildArgs: {},
  labels: {},
  tags: ['r.example/app:1'],
  platforms: [],
  cacheFrom: [],
  cacheTo: [],
  provenance: false,
  iidFile: '/tmp/iid',
  ...over,
});

describe('classicBuildCommand', () => {
  test.each<[string, Partial<BuildSpec>, string[]]>([
    ['the minimum', {}, ['build', '--tag', 'r.example/app:1', '--iidfile', '/tmp/iid', '.']],
    [
      'file, target, labels and tags',
      {
        file: 'svc/Dockerfile',
        target: 'runtime',
        labels: { a: 'b c' },
        tags: ['r/a:1', 'r/a:2'],
        context: 'svc',
      },
      [
        'build',
        '--file',
        'svc/Dockerfile',
        '--target',
        'runtime',
        '--label',
        'a=b c',
        '--tag',
        'r/a:1',
        '--tag',
        'r/a:2',
        '--iidfile',
        '/tmp/iid',
        'svc',
      ],
    ],
    [
      'one platform',
      { platforms: ['linux/arm64'] },
      ['build', '--tag', 'r.example/app:1', '--iidfile', '/tmp/iid', '--platform', 'linux/arm64', '.'],
    ],
    [
      'an image cache',
      { cacheFrom: ['r/a:cache'] },
      ['build', '--tag', 'r.example/app:1', '--iidfile', '/tmp/iid', '--cache-from', 'r/a:cache', '.'],
    ],
  ])('%s', (_, over, args) => {
    expect(classicBuildCommand(spec(over)).args).toEqual(args);
  });

  test('build argument values go to the environment, only their names to argv, and BuildKit is on', () => {
    const command = classicBuildCommand(spec({ buildArgs: { NPM_TOKEN: 's3cret', MODE: 'prod' } }));
    expect(command.args.join(' ')).not.toContain('s3cret');
    expect(command.args).toEqual(expect.arrayContaining(['--build-arg', 'NPM_TOKEN', '--build-arg', 'MODE']));
    expect(command.env).toEqual({ NPM_TOKEN: 's3cret', MODE: 'prod', DOCKER_BUILDKIT: '1' });
    expect(command.pushes).toBe(false);
  });

  test('buildx-only options are reported as ignored', () => {
    const command = classicBuildCommand(
      spec({ cacheFrom: ['type=gha'], cacheTo: ['type=gha,mode=max'], provenance: true }),
    );
    expect(command.ignored).toEqual(['cache-from type=gha', 'cache-to type=gha,mode=max', 'provenance']);
    expect(command.args).not.toContain('--cache-from');
  });

  test('several platforms fail with a message that says buildx is needed', () => {
    expect(() => classicBuildCommand(spec({ platforms: ['linux/amd64', 'linux/arm64'] }))).toThrow(
      /several platforms \(linux\/amd64, linux\/arm64\) needs docker buildx/,
    );
  });
});

describe('buildxCommand', () => {
  test('pushes, with platforms, caches and provenance off', () => {
    const command = buildxCommand(
      spec({
        platforms: ['linux/amd64', 'linux/arm64'],
        cacheFrom: ['type=gha'],
        cacheTo: ['type=gha,mode=max'],
      }),
    );
    expect(command.args).toEqual([
      'buildx',
      'build',
      '--tag',
      'r.example/app:1',
      '--iidfile',
      '/tmp/iid',
      '--platform',
      'linux/amd64,linux/arm64',
      '--cache-from',
      'type=gha',
      '--cache-to',
      'type=gha,mode=max',
      '--provenance=false',
      '--push',
      '.',
    ]);
    expect(command.pushes).toBe(true);
  });

  test('provenance on when asked', () => {
    expect(buildxCommand(spec({ provenance: true })).args).toContain('--provenance=true');
  });
});

describe('buildxPushByDigestCommand', () => {
  test('pushes untagged through the image exporter and asks for the metadata file', () => {
    const { tags: _tags, ...untagged } = spec({ buildArgs: { MODE: 'prod' }, platforms: ['linux/amd64'] });
    const command = buildxPushByDigestCommand(untagged, 'r.example:5000/shop/app', '/tmp/metadata.json');
    expect(command.args).toEqual([
      'buildx',
      'build',
      '--build-arg',
      'MODE',
      '--iidfile',
      '/tmp/iid',
      '--platform',
      'linux/amd64',
      '--provenance=false',
      '--output',
      'type=image,name=r.example:5000/shop/app,push-by-digest=true,name-canonical=true,push=true',
      '--metadata-file',
      '/tmp/metadata.json',
      '.',
    ]);
    expect(command.args).not.toContain('--tag');
    expect(command.args).not.toContain('--push');
    expect(command.env).toEqual({ MODE: 'prod' });
    expect(command.pushes).toBe(true);
  });
});

describe('buildxMetadataDigest', () => {
  const digest = `sha256:${'a'.repeat(64)}`;

  test('reads containerimage.digest', () => {
    const metadata = JSON.stringify({
      'buildx.build.ref': 'builder/builder0/x',
      'containerimage.config.digest': `sha256:${'b'.repeat(64)}`,
      'containerimage.digest': digest,
      'image.name': `r.example/app@${digest}`,
    });
    expect(buildxMetadataDigest(metadata)).toBe(digest);
  });

  test.each(['', '{}', '{"containerimage.digest":"latest"}'])('refuses %j', (text) => {
    expect(() => buildxMetadataDigest(text)).toThrow(/buildx metadata file/);
  });
});
