import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { run } from './exec.js';
import { withFileLock } from './file-lock.js';

/**
 * Where tools built from source are kept: outside the clone, reused by every clone and CI run on this
 * machine, one folder per tool (`cluster`, `trivy`). Root's go to /var/cache, which other users can
 * traverse: the SSH host's unprivileged login user runs the cluster's kubectl from there (root's home is
 * closed to it). K8S_SHIP_CACHE moves the whole cache.
 */
export function toolCacheRoot(tool: string): string {
  const base =
    process.env.K8S_SHIP_CACHE ??
    (process.getuid?.() === 0
      ? '/var/cache/k8s-ship'
      : join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'k8s-ship'));
  return join(base, tool);
}

/**
 * The cache key of a Go module of ours: every input of its build (go.mod, go.sum, our Go sources, and
 * the extra files named), so that a change to any of them builds again.
 */
export function goModuleKey(moduleDir: string, extraSuffixes: string[] = []): string {
  const pattern = new RegExp(`\\.(go|mod|sum${extraSuffixes.map((s) => `|${s}`).join('')})$`);
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (pattern.test(entry.name)) hash.update(path.slice(moduleDir.length)).update(readFileSync(path));
    }
  };
  walk(moduleDir);
  return hash.digest('hex').slice(0, 16);
}

/**
 * Makes `dir` once per machine: unless `complete()` already holds, `build(staging)` fills a staging
 * folder under a lock (one builder at a time; the others wait and then find it made), and the staging
 * folder is renamed into place, so that a killed build never leaves a half-made `dir` behind.
 */
export async function buildOnce(
  dir: string,
  complete: () => boolean,
  build: (staging: string) => Promise<void>,
  lockTimeoutMs = 3_600_000,
): Promise<void> {
  if (complete()) return;
  const root = join(dir, '..');
  mkdirSync(root, { recursive: true });
  await withFileLock(
    join(root, 'build.lock'),
    async () => {
      if (complete()) return; // another process built it while we waited
      const staging = `${dir}.partial`;
      rmSync(staging, { recursive: true, force: true });
      mkdirSync(staging, { recursive: true });
      await build(staging);
      rmSync(dir, { recursive: true, force: true });
      renameSync(staging, dir);
    },
    lockTimeoutMs,
  );
}

/**
 * `go build -v` names each package as it compiles it: a count of them against `go list -deps` is the
 * progress, reported every 30 s. `pkg` is what to build (`.` or an import path the module requires).
 */
export async function goBuildWithProgress(
  what: string,
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  started: number,
  log: (line: string) => void,
  pkg = '.',
): Promise<void> {
  const { stdout } = await run('go', ['list', '-deps', pkg], { cwd, env, timeoutMs: 600_000 });
  const total = stdout.split('\n').filter(Boolean).length;
  return new Promise((resolve, reject) => {
    const child = spawn('go', ['build', '-v', '-trimpath', ...args, pkg], {
      cwd,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let compiled = 0;
    let errors = '';
    let lastReport = Date.now();
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        if (line === '') continue;
        if (/^[\w.\-/]+$/.test(line)) compiled += 1;
        else errors += `${line}\n`;
      }
      if (Date.now() - lastReport > 30_000) {
        lastReport = Date.now();
        const minutes = ((Date.now() - started) / 60_000).toFixed(1);
        log(
          `  compiling ${what}: ${compiled} of at most ${total} packages (the rest are cached), ${minutes} min so far`,
        );
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `go build of ${what} failed (exit ${code}):\n${errors.trim().split('\n').slice(-20).join('\n')}`,
          ),
        );
    });
  });
}
