import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './exec.js';
import { repoRoot } from './paths.js';
import { buildOnce, goBuildWithProgress, goModuleKey, toolCacheRoot } from './tool-cache.js';

/** The Go module that pins Trivy and holds the DB builder (sandbox/trivy/go.mod). */
export const trivyModuleDir = join(repoRoot, 'sandbox', 'trivy');

/** The advisory records the sandbox's vulnerability DB is made from. */
export const advisoriesPath = join(trivyModuleDir, 'advisories.json');

const trivyPackage = 'github.com/aquasecurity/trivy/cmd/trivy';

/** The one Trivy release the sandbox builds, read from the module's go.mod: one source of truth. */
export function trivyVersion(): string {
  const goMod = readFileSync(join(trivyModuleDir, 'go.mod'), 'utf8');
  const match = /^\s*(?:require\s+)?github\.com\/aquasecurity\/trivy\s+(v\d+\.\d+\.\d+)\b/m.exec(goMod);
  if (!match?.[1])
    throw new Error('sandbox/trivy/go.mod does not require github.com/aquasecurity/trivy vX.Y.Z');
  return match[1];
}

export interface TrivyTools {
  dir: string;
  /** The Trivy CLI, built from the pinned module. */
  trivy: string;
  /** trivy-db-build: writes a DB in Trivy's format from advisory records. */
  dbBuilder: string;
  /** The release, as go.mod pins it (`v0.74.0`); `trivy --version` says the same without the v. */
  version: string;
}

/**
 * Trivy, built from its published sources through the Go module proxy (go.sum verifies every module) on
 * first use and then taken from the cache; the first build prints progress and how long it took.
 */
export async function ensureTrivy(log: (line: string) => void = console.error): Promise<TrivyTools> {
  const version = trivyVersion();
  const dir = join(toolCacheRoot('trivy'), `${version}-${goModuleKey(trivyModuleDir)}`);
  const tools: TrivyTools = {
    dir,
    trivy: join(dir, 'trivy'),
    dbBuilder: join(dir, 'trivy-db-build'),
    version,
  };
  await buildOnce(
    dir,
    () => existsSync(tools.trivy) && existsSync(tools.dbBuilder),
    async (staging) => {
      const started = Date.now();
      // Trivy's release builds set this experiment (encoding/json/v2); its sources do not build without it.
      const env = { ...process.env, GOFLAGS: '-mod=readonly', CGO_ENABLED: '0', GOEXPERIMENT: 'jsonv2' };
      log(`building Trivy ${version} from sandbox/trivy/go.mod into ${dir}`);
      log('  the first build compiles it from source: 10 to 25 minutes on 2 cores; later runs reuse it');
      const versionFlag = `-X github.com/aquasecurity/trivy/pkg/version/app.ver=${version.slice(1)}`;
      await goBuildWithProgress(
        'Trivy',
        trivyModuleDir,
        ['-ldflags', `-s -w ${versionFlag}`, '-o', join(staging, 'trivy')],
        env,
        started,
        log,
        trivyPackage,
      );
      await run(
        'go',
        [
          'build',
          '-trimpath',
          '-ldflags',
          '-s -w',
          '-o',
          join(staging, 'trivy-db-build'),
          './trivy-db-build',
        ],
        { cwd: trivyModuleDir, env, timeoutMs: 1_200_000 },
      );
      log(`built Trivy ${version} in ${Math.round((Date.now() - started) / 1000)} s`);
    },
  );
  return tools;
}

export interface TrivyDb {
  /** A folder with trivy.db and metadata.json: what Trivy keeps in `<cache-dir>/db`. */
  dir: string;
  /** The advisory records it was made from. */
  advisories: string;
}

/**
 * The vulnerability DB made from sandbox/trivy/advisories.json with trivy-db's own packages, once per
 * version of the records and of the builder. Scans do not use it in place: see `trivyCacheDir`.
 */
export async function ensureTrivyDb(log: (line: string) => void = console.error): Promise<TrivyDb> {
  const tools = await ensureTrivy(log);
  const key = createHash('sha256')
    .update(readFileSync(advisoriesPath))
    .update(tools.dir)
    .digest('hex')
    .slice(0, 16);
  const dir = join(toolCacheRoot('trivy'), `db-${key}`);
  await buildOnce(
    dir,
    () => existsSync(join(dir, 'trivy.db')) && existsSync(join(dir, 'metadata.json')),
    async (staging) => {
      await run(tools.dbBuilder, [advisoriesPath, staging], { timeoutMs: 60_000 });
    },
  );
  return { dir, advisories: advisoriesPath };
}

/**
 * Fills `cacheDir` for one scan: Trivy's `--cache-dir`, with the DB copied into `db/`. Each scan gets its
 * own: Trivy locks the files of its cache dir, so scans sharing one wait on each other, and a scan may
 * not touch the DB other scans read.
 */
export function trivyCacheDir(db: TrivyDb, cacheDir: string): string {
  mkdirSync(join(cacheDir, 'db'), { recursive: true });
  for (const file of ['trivy.db', 'metadata.json'])
    copyFileSync(join(db.dir, file), join(cacheDir, 'db', file));
  return cacheDir;
}
