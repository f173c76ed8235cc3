import { existsSync, readFileSync } from 'node:fs';
import { run } from './exec.js';

/** Generates an ed25519 key pair without a passphrase unless the private key exists already. */
export async function ensureEd25519Key(privateKeyFile: string, comment: string): Promise<string> {
  if (!existsSync(privateKeyFile)) {
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', privateKeyFile]);
  }
  return readFileSync(`${privateKeyFile}.pub`, 'utf8').trim();
}

/** The known_hosts line that pins `publicKey` for a server on a non-standard port. */
export function knownHostsLine(host: string, port: number, publicKey: string): string {
  const [type, key] = publicKey.split(/\s+/);
  if (!type || !key) throw new Error(`not an OpenSSH public key: '${publicKey}'`);
  const name = port === 22 ? host : `[${host}]:${port}`;
  return `${name} ${type} ${key}`;
}

/** The key's SHA256 fingerprint as ssh prints it, e.g. `SHA256:uN1q…`. */
export async function sha256Fingerprint(publicKeyFile: string): Promise<string> {
  const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', publicKeyFile]);
  const fingerprint = stdout.split(/\s+/).find((field) => field.startsWith('SHA256:'));
  if (!fingerprint)
    throw new Error(`ssh-keygen printed no SHA256 fingerprint for ${publicKeyFile}: ${stdout}`);
  return fingerprint;
}
