import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The one directory that holds all of the sandbox's state: sockets, data, keys, logs, pids. */
export function sandboxDir(): string {
  const dir = resolve(process.env.SANDBOX_DIR ?? join(repoRoot, '.state', 'sandbox'));
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A file path inside the state directory; its parent folders are created. */
export function sandboxPath(...parts: string[]): string {
  const path = join(sandboxDir(), ...parts);
  mkdirSync(dirname(path), { recursive: true });
  return path;
}

/** A folder inside the state directory, created when missing. */
export function sandboxSubdir(...parts: string[]): string {
  const dir = join(sandboxDir(), ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}
