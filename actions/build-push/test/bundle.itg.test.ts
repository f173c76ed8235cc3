import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type DockerEngine, dockerEnv } from '../../../sandbox/src/docker-engine.js';
import { loadEvent } from '../../../test/harness/events.js';
import { type BundleRun, runBundledAction } from '../../../test/harness/run-bundle.js';
import { argvRecordingDocker } from './argv-recording-docker.js';
import { type BasicRegistry, deleteManifest, readImageLabels, readManifest } from './registry-api.js';
import { buildPushSandbox } from './sandbox-parts.js';

const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repository = `k8s-ship-itg/build-push-${process.pid}`;

describe('the build-push bundle on the real Docker engine and authenticated registry', () => {
  let engine: DockerEngine;
  let registry: BasicRegistry & { address: string };
  let run: BundleRun;
  let argvLog: string;
  const cleanupDirs: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(actionDir, 'dist', 'index.js'))) {
      throw new Error(
        "actions/build-push/dist is missing: run 'npm run package -- build-push build-push-post'",
      );
    }
    const parts = await buildPushSandbox();
    ({ engine, registry } = parts);
    const base = parts.base;

    const workspace = mkdtempSync(join(tmpdir(), 'build-push-workspace-'));
    cpSync(join(actionDir, 'test', 'fixtures', 'image'), workspace, { recursive: true });
    const recorder = argvRecordingDocker();
    argvLog = recorder.log;
    cleanupDirs.push(workspace, recorder.dir);

    run = await runBundledAction({
      actionDir,
      node: 'node24',
      event: loadEvent('push'),
      workspace,
      inputs: {
        registry: registry.address,
        repository,
        username: registry.username,
        password: registry.password,
        'build-args': `BASE=${base}`,
        labels: 'org.example.team=platform',
      },
      env: {
        DOCKER_HOST: dockerEnv(engine).DOCKER_HOST as string,
        PATH: `${recorder.dir}:${process.env.PATH}`,
      },
      timeoutMs: 110_000,
    });
  });

  afterAll(async () => {
    const refs = (run?.main.outputs.tags ?? '').split('\n').filter(Boolean);
    if (refs.length > 0) {
      execFileSync('docker', ['image', 'rm', '--force', ...refs], {
        env: dockerEnv(engine),
        stdio: 'ignore',
      });
    }
    if (run?.main.outputs.digest) await deleteManifest(registry, repository, run.main.outputs.digest);
    for (const dir of cleanupDirs) rmSync(dir, { recursive: true, force: true });
  });

  test('main succeeds and outputs the image, its tags and the registry digest', async () => {
    expect(run.main.errors).toEqual([]);
    expect(run.main.exitCode).toBe(0);
    const sha = loadEvent('push').payload.after as string;
    const image = `${registry.address}/${repository}`;
    expect(run.main.outputs.image).toBe(image);
    // The default templates: content tags only, no moving `main` on a push to main.
    expect(run.main.outputs.tags?.split('\n')).toEqual([`${image}:${sha}`, `${image}:${sha.slice(0, 7)}`]);
    expect(run.main.outputs['image-ref']).toBe(`${image}@${run.main.outputs.digest}`);
    expect(run.main.outputs['image-id']).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test('every tag is in the registry, at the digest the action reported', async () => {
    for (const ref of run.main.outputs.tags?.split('\n') ?? []) {
      const tag = ref.slice(ref.lastIndexOf(':') + 1);
      const manifest = await readManifest(registry, repository, tag);
      expect(manifest?.digest, `digest of tag ${tag}`).toBe(run.main.outputs.digest);
      expect(manifest?.configDigest).toBe(run.main.outputs['image-id']);
    }
  });

  test('the pushed image config carries the OCI labels and the extra label', async () => {
    const labels = await readImageLabels(registry, repository, run.main.outputs['image-id'] as string);
    const push = loadEvent('push').payload as { after: string; repository: { full_name: string } };
    expect(labels).toMatchObject({
      'org.opencontainers.image.source': `https://github.com/${push.repository.full_name}`,
      'org.opencontainers.image.revision': push.after,
      'org.opencontainers.image.version': push.after,
      'org.example.team': 'platform',
    });
    expect(Date.parse(labels['org.opencontainers.image.created'] as string)).not.toBeNaN();
  });

  test('the password never appears in any docker argv, the log, the state or the outputs', () => {
    const argv = readFileSync(argvLog, 'utf8');
    expect(argv).toContain('login --username k8s-ship --password-stdin');
    expect(argv).toContain(`logout ${registry.address}`);
    // The one place it may appear is the ::add-mask:: command that tells the runner to hide it.
    expect(run.main.masks).toContain(registry.password);
    const stdoutWithoutMask = run.main.stdout
      .split('\n')
      .filter((line) => line !== `::add-mask::${registry.password}`)
      .join('\n');
    for (const [what, text] of [
      ['docker argv', argv],
      ['main stdout', stdoutWithoutMask],
      ['main stderr', run.main.stderr],
      ['post stdout', run.post?.stdout ?? ''],
      ['state', JSON.stringify(run.main.state)],
      ['outputs', JSON.stringify(run.main.outputs)],
      ['summary', run.main.summary],
    ]) {
      expect((text as string).includes(registry.password), `${what} holds the password`).toBe(false);
    }
  });

  test('the summary shows digest, tags, size and build time', () => {
    expect(run.main.summary).toContain(run.main.outputs.digest);
    expect(run.main.summary).toMatch(/Size<\/td><td>\d+\.\d MB/);
    expect(run.main.summary).toMatch(/Build time<\/td><td>\d+\.\d s/);
  });

  test('the post step logs out and deletes the job DOCKER_CONFIG with the login in it', () => {
    expect(run.post?.exitCode).toBe(0);
    expect(run.post?.warnings).toEqual([]);
    const dockerConfig = JSON.parse(run.main.state.dockerConfig as string) as string;
    expect(existsSync(dockerConfig)).toBe(false);
  });
});
