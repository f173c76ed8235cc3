import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { withFileLock } from '../../sandbox/src/file-lock.js';
import { repoRoot } from '../../sandbox/src/paths.js';

export const serviceBundlePath = join(repoRoot, 'service', 'dist', 'index.js');

// Written next to the bundle after a build: the hash of everything the bundle is made from.
const stampPath = join(repoRoot, 'service', 'dist', '.inputs.sha256');
const lockDir = join(repoRoot, '.state');
const INPUT_FILES = ['package.json', 'package-lock.json', 'ncc.config.js', 'scripts/package.js'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** SHA-256 over the service's sources and the bundler's inputs, names included, in a stable order. */
export function serviceInputsHash(): string {
  const files = [
    ...filesUnder(join(repoRoot, 'service', 'src')),
    ...INPUT_FILES.map((f) => join(repoRoot, f)),
  ];
  const hash = createHash('sha256');
  for (const file of files.map((f) => relative(repoRoot, f)).sort()) {
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(repoRoot, file)))
      .update('\0');
  }
  return hash.digest('hex');
}

function readStamp(): string | undefined {
  try {
    readFileSync(serviceBundlePath);
    return readFileSync(stampPath, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Makes the next ensureServiceBundle() build, as on a fresh clone (for cold benchmarks). */
export function forgetServiceBundle(): void {
  rmSync(stampPath, { force: true });
}

export interface BundleResult {
  built: boolean;
  inputsHash: string;
}

/**
 * Builds service/dist with the repository's bundler unless the bundle there was built from exactly these
 * sources: ncc takes tens of seconds on a busy 2-core machine, and content (not mtimes, which a fresh clone
 * or a checkout resets) decides. `onOutput` receives ncc's output lines while it runs.
 */
export function ensureServiceBundle(onOutput?: (line: string) => void): Promise<BundleResult> {
  // One build at a time: a test, the demo and a bench may ask at once, and ncc rewrites dist/ in place.
  // The lock lives outside dist/, which the bundler empties.
  mkdirSync(lockDir, { recursive: true });
  return withFileLock(join(lockDir, 'service-bundle.lock'), () => buildUnlessCurrent(onOutput));
}

async function buildUnlessCurrent(onOutput?: (line: string) => void): Promise<BundleResult> {
  const inputsHash = serviceInputsHash();
  if (readStamp() === inputsHash) return { built: false, inputsHash };
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'scripts', 'package.js'), 'service'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 300_000,
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      for (const line of text.split('\n')) if (line.trim() !== '') onOutput?.(line);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code, signal) =>
      code === 0
        ? resolve()
        : reject(
            new Error(
              `building the service bundle failed (${signal ?? `exit ${code}`}):\n${readableTail(output)}`,
            ),
          ),
    );
  });
  writeFileSync(stampPath, `${inputsHash}\n`);
  return { built: true, inputsHash };
}

/**
 * The end of a failed build's output as a person can read it: ncc prints its own minified source around
 * an error, lines of many kilobytes, which are cut; the TypeScript errors after them are kept.
 */
export function readableTail(output: string, lines = 30, width = 300): string {
  return output
    .split('\n')
    .map((line) => (line.length > width ? `${line.slice(0, width)}… (${line.length} characters)` : line))
    .slice(-lines)
    .join('\n');
}
