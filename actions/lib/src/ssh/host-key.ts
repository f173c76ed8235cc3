/*
 * Host key pinning. The server's key is compared, byte for byte, with keys the workflow pinned: a
 * known_hosts line (its key blob) or an OpenSSH `SHA256:` fingerprint. Several pins are allowed so that a
 * key can be rotated without a window in which deploys fail.
 */
import { createHash } from 'node:crypto';

export interface HostKeyPin {
  /** The OpenSSH fingerprint of the pinned key: `SHA256:` + unpadded base64. */
  fingerprint: string;
  /** The key type when the pin was a known_hosts line (`ssh-ed25519`); a bare fingerprint has none. */
  keyType?: string;
  /** Where the pin came from, for messages: `known_hosts line 2` or `fingerprint 1`. */
  source: string;
}

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;
const KEY_TYPE =
  /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The OpenSSH `SHA256:` fingerprint of a key blob, as `ssh-keygen -lf` prints it. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type written at the start of an SSH key blob (a length-prefixed string). */
export function keyTypeOf(keyBlob: Buffer): string | undefined {
  if (keyBlob.length < 4) return undefined;
  const length = keyBlob.readUInt32BE(0);
  if (length > 64 || keyBlob.length < 4 + length) return undefined;
  return keyBlob.subarray(4, 4 + length).toString('latin1');
}

/**
 * Parses the pins of one input: each line is a `SHA256:` fingerprint or a known_hosts line
 * (`[host]:port type base64 [comment]`, or just `type base64`). Blank lines and `#` comments are skipped.
 * Throws an Error whose message says which line is wrong and why; the caller names the input.
 */
export function parseHostKeyPins(text: string): HostKeyPin[] {
  const pins: HostKeyPin[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `line ${index + 1}`;
    if (line.startsWith('SHA256:')) {
      if (!FINGERPRINT.test(line)) {
        throw new Error(`${where} is not a SHA256 fingerprint (SHA256: followed by 43 base64 characters)`);
      }
      pins.push({ fingerprint: line, source: `fingerprint on ${where}` });
      return;
    }
    if (line.startsWith('@')) {
      throw new Error(`${where}: known_hosts markers such as @cert-authority and @revoked are not supported`);
    }
    const fields = line.split(/\s+/);
    // With a host field the key type is the second field; without, the first.
    const typeIndex = KEY_TYPE.test(fields[0] ?? '') ? 0 : 1;
    const keyType = fields[typeIndex] ?? '';
    const blobText = fields[typeIndex + 1] ?? '';
    if (!KEY_TYPE.test(keyType) || !BASE64.test(blobText)) {
      throw new Error(
        `${where} is neither a SHA256 fingerprint nor a known_hosts line ('host key-type base64-key', e.g. from ssh-keyscan)`,
      );
    }
    const blob = Buffer.from(blobText, 'base64');
    if (keyTypeOf(blob) !== keyType) {
      throw new Error(
        `${where}: the base64 key is not a ${keyType} key (it says ${keyTypeOf(blob) ?? 'nothing'})`,
      );
    }
    pins.push({ fingerprint: fingerprintOf(blob), keyType, source: `known_hosts ${where}` });
  });
  return pins;
}

/** What the host verifier decided about the key a server presented. */
export type HostKeyVerdict = { fingerprint: string; keyType?: string; key: Buffer } & (
  | { outcome: 'pinned'; pin: HostKeyPin }
  | { outcome: 'trusted-on-first-use' }
  | { outcome: 'refused' }
);

export type HostKeyPolicy = { pins: readonly HostKeyPin[] } | { trustOnFirstUse: true };

/** Decides whether the presented key matches a pin (or is accepted because the user opted into TOFU). */
export function verifyHostKey(policy: HostKeyPolicy, keyBlob: Buffer): HostKeyVerdict {
  const fingerprint = fingerprintOf(keyBlob);
  const keyType = keyTypeOf(keyBlob);
  const seen = { fingerprint, keyType, key: keyBlob };
  if ('trustOnFirstUse' in policy) return { outcome: 'trusted-on-first-use', ...seen };
  const pin = policy.pins.find((candidate) => candidate.fingerprint === fingerprint);
  return pin ? { outcome: 'pinned', pin, ...seen } : { outcome: 'refused', ...seen };
}

/** A known_hosts line for a key, to pin it (printed when trust on first use accepted it). */
export function knownHostsLine(host: string, port: number, keyBlob: Buffer): string {
  const hostField = port === 22 ? host : `[${host}]:${port}`;
  return `${hostField} ${keyTypeOf(keyBlob) ?? 'unknown'} ${keyBlob.toString('base64')}`;
}
