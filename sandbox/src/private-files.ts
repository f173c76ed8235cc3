import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, renameSync, writeFileSync } from 'node:fs';

export interface FileOwner {
  uid: number;
  gid: number;
}

/**
 * Writes a file readable only by its owner (0600), atomically so that a reader never sees half of it.
 * `owner` hands it to another user (the SSH login user must read its kubeconfig and authorized keys).
 */
export function writePrivateFile(path: string, content: string, owner?: FileOwner): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode: 0o600 });
  chmodSync(temporary, 0o600); // the mode option only applies when the file is created
  if (owner) chownSync(temporary, owner.uid, owner.gid);
  renameSync(temporary, path);
}

/** A random secret that is safe in URLs, config files and basic-auth headers. */
export function randomSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
