import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadEvent } from '../../../runner/src/events.js';
import { type BundleRun, runBundledAction } from '../../../runner/src/run-bundle.js';
import { type DockerEngine, dockerEnv } from '../../../sandbox/src/docker-engine.js';
import { layerEntryCheck } from '../../lib/src/docker/layer-digest-cache.js';
import { argvRecordingDocker } from './argv-recording-docker.js';
import {
  type BasicRegistry,
  deleteManifest,
  readImageConfig,
  readImageLabels,
  readManifest,
  readTags,
} from './registry-api.js';
import { buildPushSandbox } from './sandbox-parts.js';

const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repository = `k8s-ship-itg/build-push-${process.pid}`;
const digestRepository = `k8s-ship-itg/build-push-digest-${process.pid}`;
/** How long each bundle run took, for the report at the end of the file. */
const timings: Record<string, number> = {};

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

    const started = Date.now();
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
    timings['tagged push'] = Date.now() - started;
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
    expect(run.main.outputs.tagged).toBe('true');
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

interface LayerCacheFile {
  version: 1;
  layers: Record<string, { digest: string; size: number; layerSize: number; check: string; usedAt: number }>;
}

describe('push-by-digest: the image reaches the real registry untagged, by its digest only', () => {
  let engine: DockerEngine;
  let registry: BasicRegistry & { address: string };
  let base: string;
  let workspace: string;
  let cacheHome: string;
  let dockerConfig: string;
  let first: BundleRun;
  let forged: BundleRun;
  const image = () => `${registry.address}/${digestRepository}`;
  const cacheFile = () => join(cacheHome, 'k8s-ship', 'layer-digests.json');
  const pushedDigests = new Set<string>();

  const pushByDigest = async (what: string): Promise<BundleRun> => {
    const started = Date.now();
    const result = await runBundledAction({
      actionDir,
      node: 'node24',
      event: loadEvent('push'),
      workspace,
      inputs: {
        registry: registry.address,
        repository: digestRepository,
        username: registry.username,
        password: registry.password,
        'build-args': `BASE=${base}`,
        'push-by-digest': 'true',
      },
      env: { DOCKER_HOST: dockerEnv(engine).DOCKER_HOST as string, XDG_CACHE_HOME: cacheHome },
      timeoutMs: 110_000,
    });
    timings[what] = Date.now() - started;
    expect(result.main.errors, `errors of the ${what}`).toEqual([]);
    if (result.main.outputs.digest) pushedDigests.add(result.main.outputs.digest);
    return result;
  };

  const docker = (args: string[]) =>
    execFileSync('docker', args, {
      env: { ...dockerEnv(engine), DOCKER_CONFIG: dockerConfig },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  /**
   * Pulls from the registry as a fresh machine would: the engine that built the image already holds its
   * config, and docker skips a pull whose image it has, so the image built is removed first.
   */
  const pullAndRun = (ref: string, imageId: string): string => {
    docker(['image', 'rm', '--force', imageId]);
    docker(['pull', ref]);
    return docker([
      'run',
      '--rm',
      '--network',
      'none',
      ref,
      'node',
      '-e',
      'process.stdout.write(require("fs").readFileSync("/hello.txt", "utf8"))',
    ]);
  };

  beforeAll(async () => {
    const parts = await buildPushSandbox();
    ({ engine, registry, base } = parts);
    workspace = mkdtempSync(join(tmpdir(), 'build-push-digest-workspace-'));
    cpSync(join(actionDir, 'test', 'fixtures', 'image'), workspace, { recursive: true });
    cacheHome = mkdtempSync(join(tmpdir(), 'build-push-cache-home-'));
    dockerConfig = mkdtempSync(join(tmpdir(), 'build-push-pull-config-'));
    execFileSync('docker', ['login', '--username', registry.username, '--password-stdin', registry.address], {
      env: { ...dockerEnv(engine), DOCKER_CONFIG: dockerConfig },
      input: registry.password,
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    first = await pushByDigest('push by digest');
  });

  afterAll(async () => {
    const imageId = first?.main.outputs['image-id'];
    if (imageId)
      execFileSync('docker', ['image', 'rm', '--force', imageId], {
        env: dockerEnv(engine),
        stdio: 'ignore',
      });
    for (const digest of pushedDigests) await deleteManifest(registry, digestRepository, digest);
    for (const dir of [workspace, cacheHome, dockerConfig])
      if (dir) rmSync(dir, { recursive: true, force: true });
    console.info(
      `build-push bundle runs: ${Object.entries(timings)
        .map(([what, ms]) => `${what} ${(ms / 1000).toFixed(1)} s`)
        .join(', ')}`,
    );
  });

  test('tagged is false; digest and image-ref name the manifest the registry serves', async () => {
    expect(first.main.exitCode).toBe(0);
    const { outputs } = first.main;
    expect(outputs.tagged).toBe('false');
    expect(outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(outputs['image-ref']).toBe(`${image()}@${outputs.digest}`);
    const manifest = await readManifest(registry, digestRepository, outputs.digest as string);
    expect(manifest?.digest).toBe(outputs.digest);
    expect(manifest?.configDigest).toBe(outputs['image-id']);
  });

  test('the registry holds none of the rendered tags; the output lists them for the tagging step', async () => {
    const sha = loadEvent('push').payload.after as string;
    expect(first.main.outputs.tags?.split('\n')).toEqual([
      `${image()}:${sha}`,
      `${image()}:${sha.slice(0, 7)}`,
    ]);
    expect(await readTags(registry, digestRepository)).toEqual([]);
    for (const tag of [sha, sha.slice(0, 7)]) {
      expect(await readManifest(registry, digestRepository, tag), `tag ${tag}`).toBeUndefined();
    }
    expect(first.main.summary).toContain('none yet: pushed by digest');
  });

  test('a second push of the same image uploads no layer: the cache knows the blobs and the registry has them', async () => {
    const second = await pushByDigest('second push by digest');
    expect(second.main.outputs.digest).toBe(first.main.outputs.digest);
    expect(second.main.stdout).toMatch(
      /Pushed by digest in [\d.]+ s: 0 of 2 layers uploaded, 0\.0 MB in all/,
    );
    expect(second.main.stdout.match(/cached digest, already in the registry/g)).toHaveLength(2);
    expect(await readTags(registry, digestRepository)).toEqual([]);
  });

  test('a cache entry moved to another layer fails its check: the layer is compressed again, the image is right', async () => {
    const config = await readImageConfig(
      registry,
      digestRepository,
      first.main.outputs['image-id'] as string,
    );
    const [baseLayer, helloLayer] = config.rootfs.diff_ids as [string, string];
    const file = JSON.parse(readFileSync(cacheFile(), 'utf8')) as LayerCacheFile;
    // The app layer's entry now points at the base layer's blob, which the registry holds.
    const wrong = file.layers[helloLayer];
    const baseEntry = file.layers[baseLayer];
    if (!wrong || !baseEntry) throw new Error('the first push left no cache entry for the two layers');
    file.layers[helloLayer] = { ...wrong, digest: baseEntry.digest, size: baseEntry.size };
    writeFileSync(cacheFile(), JSON.stringify(file));

    const third = await pushByDigest('push by digest with a tampered cache');
    expect(
      third.main.warnings.some((w) => /Ignored 1 layer cache entries that failed their checks/.test(w)),
    ).toBe(true);
    expect(third.main.stdout).toContain('compressed, already in the registry');
    // The same image as the first push: the app layer was compressed again, not taken from the wrong entry.
    expect(third.main.outputs.digest).toBe(first.main.outputs.digest);
  });

  test('an entry forged with a valid checksum and size ships a manifest that docker refuses to pull, loudly', async () => {
    const config = await readImageConfig(
      registry,
      digestRepository,
      first.main.outputs['image-id'] as string,
    );
    const [baseLayer, helloLayer] = config.rootfs.diff_ids as [string, string];
    const file = JSON.parse(readFileSync(cacheFile(), 'utf8')) as LayerCacheFile;
    const hello = file.layers[helloLayer];
    const baseEntry = file.layers[baseLayer];
    if (!hello || !baseEntry) throw new Error('no cache entry for the two layers');
    const baseBlob = { digest: baseEntry.digest, size: baseEntry.size };
    file.layers[helloLayer] = {
      ...baseBlob,
      layerSize: hello.layerSize,
      check: layerEntryCheck(helloLayer, hello.layerSize, baseBlob),
      usedAt: Date.now(),
    };
    writeFileSync(cacheFile(), JSON.stringify(file));

    forged = await pushByDigest('push by digest with a forged cache entry');
    expect(forged.main.outputs.digest).not.toBe(first.main.outputs.digest);
    rmSync(cacheFile());
  });

  // The pulls come last: each removes the image built, and a rebuild would get a new config (its time).
  test('docker pulls registry/repo@digest and the image runs', () => {
    const ref = first.main.outputs['image-ref'] as string;
    expect(pullAndRun(ref, first.main.outputs['image-id'] as string)).toBe(
      'hello from the build-push tests\n',
    );
  });

  test('the image of the forged entry is refused by docker pull, loudly: its layers do not match its config', () => {
    expect(() =>
      pullAndRun(forged.main.outputs['image-ref'] as string, forged.main.outputs['image-id'] as string),
    ).toThrow(/don't match image configuration|diff ?id/i);
  });
});
