import { beforeAll, describe, expect, it } from 'vitest';
import { baseImageName, ensureNodeBaseImage } from '../src/base-image.js';
import { type DockerEngine, dockerEngineAnswers, dockerEnv } from '../src/docker-engine.js';
import { run } from '../src/exec.js';
import { useSandbox } from '../src/testing.js';

let engine: DockerEngine;

beforeAll(async () => {
  ({ docker: engine } = await useSandbox(['docker']));
});

/** Runs a throw-away container on the host network, named so that only this test ever removes it. */
async function runInImage(image: string, args: string[], entrypoint?: string) {
  const name = `k8s-ship-sandbox-test-${process.pid}-${Date.now()}`;
  return run(
    'docker',
    [
      'run',
      '--rm',
      '--name',
      name,
      '--label',
      'k8s-ship.test=sandbox-docker-engine',
      '--network',
      'host',
      ...(entrypoint ? ['--entrypoint', entrypoint] : []),
      image,
      ...args,
    ],
    { env: dockerEnv(engine) },
  );
}

describe('the sandbox Docker engine', () => {
  it('answers at the DOCKER_HOST the sandbox publishes', async () => {
    expect(engine.host).toMatch(/^unix:\/\//);
    expect(await dockerEngineAnswers(engine.host)).toBe(true);
  });

  it('is found again, not started twice, by a second ensure', async () => {
    const again = await useSandbox(['docker']);
    expect(again.docker.host).toBe(engine.host);
  });
});

describe('the local Node base images', () => {
  it('runtime: runs the same Node as this machine, has the nonroot user and no shell', async () => {
    const image = await ensureNodeBaseImage(engine, 'runtime');
    expect(image).toBe(baseImageName('runtime'));
    const { stdout } = await runInImage(image, [
      'node',
      '-e',
      'console.log(process.version, require("node:fs").readFileSync("/etc/passwd", "utf8").includes("nonroot:x:65532"))',
    ]);
    expect(stdout.trim()).toBe(`v${process.versions.node} true`);
    await expect(runInImage(image, ['-c', 'true'], '/bin/sh')).rejects.toThrow(/no such file|not found/i);
  });

  it('build: adds npm and a shell for build stages', async () => {
    const image = await ensureNodeBaseImage(engine, 'build');
    const { stdout } = await runInImage(image, ['-c', 'npm --version && command -v node'], '/bin/sh');
    expect(stdout).toMatch(/^\d+\.\d+\.\d+\n\/usr\/local\/bin\/node\n$/);
  });

  it('is reused when it exists: the image id stays the same', async () => {
    const env = dockerEnv(engine);
    const before = await run(
      'docker',
      ['image', 'inspect', '--format', '{{.Id}}', baseImageName('runtime')],
      { env },
    );
    await ensureNodeBaseImage(engine, 'runtime');
    const after = await run('docker', ['image', 'inspect', '--format', '{{.Id}}', baseImageName('runtime')], {
      env,
    });
    expect(after.stdout).toBe(before.stdout);
  });
});
