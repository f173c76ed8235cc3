import { describe, expect, test } from 'vitest';
import { classicBuildCommand } from '../../src/docker/build-command.js';
import { DockerCli, isTransientDockerError } from '../../src/docker/docker-cli.js';
import { FakeCommandRunner } from '../fakes/command-runner.js';

describe('DockerCli', () => {
  test.each([
    [0, '28.2.2', 'buildx'],
    [1, '20.10.24+dfsg1', 'buildkit'],
    [1, '28.2.2', 'legacy'],
  ])('buildx exit %i with client %s builds with %s', async (buildxExit, client, builder) => {
    const runner = new FakeCommandRunner(({ args }) =>
      args[0] === 'buildx' ? { exitCode: buildxExit } : { stdout: `${client}\n` },
    );
    expect(await new DockerCli(runner, {}).builder()).toBe(builder);
  });

  test('login hands the password to stdin only, with the job DOCKER_CONFIG', async () => {
    const runner = new FakeCommandRunner();
    await new DockerCli(runner, { DOCKER_CONFIG: '/job/docker' }).login('r.example', 'ci', 's3cret');
    const [call] = runner.calls;
    expect(call?.args).toEqual(['login', '--username', 'ci', '--password-stdin', 'r.example']);
    expect(call?.options.stdin).toBe('s3cret');
    expect(call?.options.env).toMatchObject({ DOCKER_CONFIG: '/job/docker' });
  });

  test('save writes the image to the file given, with the job DOCKER_CONFIG', async () => {
    const runner = new FakeCommandRunner();
    await new DockerCli(runner, { DOCKER_CONFIG: '/job/docker' }).save('app:1', '/job/image.tar');
    expect(runner.calls[0]?.args).toEqual(['save', '--output', '/job/image.tar', 'app:1']);
    expect(runner.calls[0]?.options.env).toMatchObject({ DOCKER_CONFIG: '/job/docker' });
  });

  test('the legacy builder is chosen by DOCKER_BUILDKIT=0', () => {
    const spec = {
      context: '.',
      buildArgs: {},
      labels: {},
      tags: ['r/a:1'],
      platforms: [],
      cacheFrom: [],
      cacheTo: [],
      provenance: false,
      iidFile: '/tmp/iid',
    };
    expect(classicBuildCommand(spec, 'legacy').env.DOCKER_BUILDKIT).toBe('0');
  });
});

describe('isTransientDockerError', () => {
  test.each([
    ['received unexpected HTTP status: 503 Service Unavailable', true],
    ['net/http: TLS handshake timeout', true],
    ['read: connection reset by peer', true],
    ['unauthorized: authentication required', false],
    [
      "tag invalid: The image tag '1' already exists and cannot be overwritten because the repository is immutable",
      false,
    ],
  ])('%s: %s', (message, transient) => {
    expect(isTransientDockerError(new Error(message))).toBe(transient);
  });
});
