import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { ensureNodeBaseImage } from '../../sandbox/src/base-image.js';
import { type DockerEngine, dockerEnv } from '../../sandbox/src/docker-engine.js';
import { run, waitFor } from '../../sandbox/src/exec.js';
import { repoRoot } from '../../sandbox/src/paths.js';
import { useDockerEngine } from '../../sandbox/src/testing.js';
import { buildServiceBundle, freePort } from './support/service-process.js';

// Names unique to this test run, so cleanup removes exactly what this file created.
const image = `k8s-ship.local/metrics-api:itg-${process.pid}`;
const container = `metrics-api-itg-${process.pid}`;
const revision = 'abc1234def';

describe('service/Dockerfile on the local Docker engine', () => {
  let engine: DockerEngine;
  let env: NodeJS.ProcessEnv;
  let port: number;
  let bundleStage = '';

  beforeAll(async () => {
    engine = await useDockerEngine();
    env = dockerEnv(engine);
    const [buildBase, runtimeBase] = [
      await ensureNodeBaseImage(engine, 'build'),
      await ensureNodeBaseImage(engine, 'runtime'),
    ];
    await buildServiceBundle();
    const buildArgs = [
      '--file',
      join(repoRoot, 'service', 'Dockerfile'),
      '--build-arg',
      `BUILD_IMAGE=${buildBase}`,
      '--build-arg',
      `RUNTIME_IMAGE=${runtimeBase}`,
      '--build-arg',
      `VERSION=${packageJson.version}`,
      '--build-arg',
      `REVISION=${revision}`,
    ];
    const context = join(repoRoot, 'service');
    await run(
      'docker',
      ['build', '--quiet', ...buildArgs, '--label', `k8s-ship.test=${container}`, '--tag', image, context],
      {
        env,
        timeoutMs: 110_000,
      },
    );
    // The legacy builder keeps the build stage as untagged cache images; asking for that stage again is a
    // cache hit that names it, so that afterAll removes it with its untagged parents and nothing else.
    const stage = await run('docker', ['build', '--quiet', ...buildArgs, '--target', 'bundle', context], {
      env,
    });
    bundleStage = stage.stdout.trim();
    port = await freePort();
    await run(
      'docker',
      [
        'run',
        '--detach',
        '--name',
        container,
        '--label',
        `k8s-ship.test=${container}`,
        '--network',
        'host',
        // As the pod runs it: read-only root, no capabilities, no privilege escalation.
        '--read-only',
        '--cap-drop',
        'ALL',
        '--security-opt',
        'no-new-privileges',
        '--env',
        `PORT=${port}`,
        '--env',
        'LISTEN_ADDRESS=127.0.0.1',
        '--env',
        `GIT_REVISION=${revision}`,
        image,
      ],
      { env },
    );
    await waitFor(
      `the container's /health on port ${port}`,
      async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok,
      30_000,
    );
  });

  afterAll(async () => {
    if (!env) return;
    await run('docker', ['rm', '--force', container], { env }).catch(() => {});
    await run('docker', ['image', 'rm', '--force', image], { env }).catch(() => {});
    if (bundleStage) await run('docker', ['image', 'rm', bundleStage], { env }).catch(() => {});
  });

  it('answers /health and /info from the container', async () => {
    const health = await (await fetch(`http://127.0.0.1:${port}/health`)).json();
    expect(health).toEqual({
      status: 'ok',
      app: 'k8s-cluster-performance-stack',
      version: packageJson.version,
    });
    const info = await (await fetch(`http://127.0.0.1:${port}/info`)).json();
    expect(info).toMatchObject({ git_revision: revision });
  });

  it('runs the process as the non-root user 65532', async () => {
    const { stdout } = await run(
      'docker',
      ['inspect', '--format', '{{.State.Pid}} {{.Config.User}}', container],
      { env },
    );
    const [pid, user] = stdout.trim().split(' ');
    expect(user).toBe('65532:65532');
    const uidLine = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Uid:'));
    expect(uidLine?.split(/\s+/).slice(1)).toEqual(['65532', '65532', '65532', '65532']);
  });

  it('carries the OCI labels and writes nothing to its filesystem', async () => {
    const { stdout } = await run(
      'docker',
      ['image', 'inspect', '--format', '{{json .Config.Labels}}', image],
      { env },
    );
    expect(JSON.parse(stdout)).toMatchObject({
      'org.opencontainers.image.version': packageJson.version,
      'org.opencontainers.image.revision': revision,
      'org.opencontainers.image.licenses': 'MIT',
    });
    const diff = await run('docker', ['diff', container], { env });
    expect(diff.stdout.trim()).toBe(''); // wrote nothing, as a read-only root filesystem requires
  });

  it('stops cleanly on docker stop (SIGTERM) with exit code 0', async () => {
    await run('docker', ['stop', '--time', '25', container], { env });
    const { stdout } = await run('docker', ['inspect', '--format', '{{.State.ExitCode}}', container], {
      env,
    });
    expect(stdout.trim()).toBe('0');
  });
});
