import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.js';
import { buildOnce, goBuildWithProgress, goModuleKey, toolCacheRoot } from './tool-cache.js';

/**
 * The Go module that pins the sandbox's Prometheus (sandbox/prometheus/go.mod). Debian's prometheus is
 * built without Kubernetes service discovery, which the sandbox's Prometheus exists to exercise.
 */
export const prometheusModuleDir = join(repoRoot, 'sandbox', 'prometheus');
const mainPackage = 'github.com/prometheus/prometheus/cmd/prometheus';

function prometheusModuleVersion(): string {
  const goMod = readFileSync(join(prometheusModuleDir, 'go.mod'), 'utf8');
  const match = /^\s*(?:require\s+)?github\.com\/prometheus\/prometheus\s+(v[\w.-]+)(?:\s*\/\/.*)?$/m.exec(
    goMod,
  );
  if (!match?.[1])
    throw new Error('sandbox/prometheus/go.mod does not require github.com/prometheus/prometheus');
  return match[1];
}

/** The sandbox's Prometheus program, built from the pinned module on first use, then taken from the cache. */
export async function ensurePrometheusBinary(log: (line: string) => void = console.error): Promise<string> {
  const version = prometheusModuleVersion();
  const dir = join(toolCacheRoot('prometheus'), `${version}-${goModuleKey(prometheusModuleDir)}`);
  const binary = join(dir, 'prometheus');
  await buildOnce(
    dir,
    () => existsSync(binary),
    async (staging) => {
      const started = Date.now();
      log(`building Prometheus (module ${version}) from sandbox/prometheus/go.mod into ${dir}`);
      await goBuildWithProgress(
        'Prometheus',
        prometheusModuleDir,
        ['-ldflags', '-s -w', '-o', join(staging, 'prometheus')],
        { ...process.env, GOFLAGS: '-mod=readonly', CGO_ENABLED: '0' },
        started,
        log,
        mainPackage,
      );
      log(`built Prometheus in ${Math.round((Date.now() - started) / 1000)} s`);
    },
  );
  return binary;
}
