/*
 * Host key pinning. The server's key is compared, byte for byte, with keys the workflow pinned: a
 * known_hosts line (its key blob) or an OpenSSH `SHA256:` fingerprint. Several pins are allowed so that a
 * key can be rotated without a window in which deploys fail.
 *
 * A known_hosts line pins its key for the hosts its first field names, as OpenSSH reads it
 * (known-hosts-names.ts: patterns, `[host]:port`, hashed names); a line for other names does not apply.
 * A bare `SHA256:` fingerprint or `type base64` line has no host field and pins its key for any host.
 * `@revoked` lines refuse their key for the hosts they name, whatever else is pinned. `@cert-authority`
 * lines are refused when read: the client checks the host's own key, never a host certificate.
 */
import { createHash } from 'node:crypto';
import { type HostNames, hostNamesMatch, parseHostNames } from './known-hosts-names.js';

export interface HostKeyPin {
  /** The OpenSSH fingerprint of the pinned key: `SHA256:` + unpadded base64. */
  fingerprint: string;
  /** The key type when the pin was a known_hosts line (`ssh-ed25519`); a bare fingerprint has none. */
  keyType?: string;
  /** Where the pin came from, for messages: `known_hosts line 2` or `fingerprint 1`. */
  source: string;
  /** The hosts a known_hosts line names; without, the pin holds for any host. */
  hosts?: HostNames;
  /** An `@revoked` line: its key is refused for its hosts. */
  revoked?: boolean;
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
 * (`host-names type base64 [comment]`, `@revoked host-names type base64`, or just `type base64`). Blank
 * lines and `#` comments are skipped. Throws an Error whose message says which line is wrong and why; the
 * caller names the input.
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
    let fields = line.split(/\s+/);
    const marker = fields[0]?.startsWith('@') ? fields[0] : undefined;
    if (marker === '@cert-authority') {
      throw new Error(
        `${where}: @cert-authority lines are not supported: the connection checks the host's own key, not a ` +
          "host certificate; pin the node's host key (ssh-keyscan, or the instance console output) instead",
      );
    }
    if (marker !== undefined && marker !== '@revoked') {
      throw new Error(`${where}: unknown known_hosts marker ${marker} (only @revoked is supported)`);
    }
    if (marker) fields = fields.slice(1);
    // With a host field the key type is the second field; without, the first.
    const typeIndex = KEY_TYPE.test(fields[0] ?? '') ? 0 : 1;
    const keyType = fields[typeIndex] ?? '';
    const blobText = fields[typeIndex + 1] ?? '';
    if (!KEY_TYPE.test(keyType) || !BASE64.test(blobText)) {
      throw new Error(
        `${where} is neither a SHA256 fingerprint nor a known_hosts line ('host key-type base64-key', e.g. from ssh-keyscan)`,
      );
    }
    if (marker && typeIndex === 0) {
      throw new Error(
        `${where}: an @revoked line names the hosts it is for, e.g. '@revoked * ${keyType} AAAA…'`,
      );
    }
    const blob = Buffer.from(blobText, 'base64');
    if (keyTypeOf(blob) !== keyType) {
      throw new Error(
        `${where}: the base64 key is not a ${keyType} key (it says ${keyTypeOf(blob) ?? 'nothing'})`,
      );
    }
    let hosts: HostNames | undefined;
    if (typeIndex === 1) {
      try {
        hosts = parseHostNames(fields[0] as string);
      } catch (error) {
        throw new Error(`${where}: ${(error as Error).message}`);
      }
    }
    pins.push({
      fingerprint: fingerprintOf(blob),
      keyType,
      source: `known_hosts ${where}`,
      ...(hosts && { hosts }),
      ...(marker && { revoked: true }),
    });
  });
  if (pins.length > 0 && pins.every((pin) => pin.revoked)) {
    throw new Error('every line is @revoked: pin at least one key the host may present');
  }
  return pins;
}

/** What the host verifier decided about the key a server presented. */
export type HostKeyVerdict = { fingerprint: string; keyType?: string; key: Buffer } & (
  | { outcome: 'pinned'; pin: HostKeyPin }
  | { outcome: 'trusted-on-first-use' }
  | HostKeyRefusal
);

/**
 * Why a key was refused: no pin has it (`not-pinned`); only lines for other host names have it
 * (`other-host`, those lines in `pins`); or a line for this host revokes it (`revoked`).
 */
export type HostKeyRefusal = { outcome: 'refused'; host: string; port: number } & (
  | { reason: 'not-pinned' }
  | { reason: 'other-host'; pins: HostKeyPin[] }
  | { reason: 'revoked'; pin: HostKeyPin }
);

export type HostKeyPolicy = { pins: readonly HostKeyPin[] } | { trustOnFirstUse: true };

/** Whether a pin applies to this host: a line for other names does not, a bare key or fingerprint does. */
export function pinAppliesTo(pin: HostKeyPin, host: string, port: number): boolean {
  return pin.hosts === undefined || hostNamesMatch(pin.hosts, host, port);
}

/**
 * Decides whether the key `host:port` presented matches a pin for that host (or is accepted because the
 * user opted into TOFU).
 */
export function verifyHostKey(
  policy: HostKeyPolicy,
  keyBlob: Buffer,
  target: { host: string; port: number },
): HostKeyVerdict {
  const fingerprint = fingerprintOf(keyBlob);
  const keyType = keyTypeOf(keyBlob);
  const seen = { fingerprint, keyType, key: keyBlob };
  if ('trustOnFirstUse' in policy) return { outcome: 'trusted-on-first-use', ...seen };
  const { host, port } = target;
  const sameKey = policy.pins.filter((pin) => pin.fingerprint === fingerprint);
  const forHost = sameKey.filter((pin) => pinAppliesTo(pin, host, port));
  const refused = { outcome: 'refused' as const, host, port, ...seen };
  const revoked = forHost.find((pin) => pin.revoked);
  if (revoked) return { ...refused, reason: 'revoked', pin: revoked };
  const pin = forHost[0];
  if (pin) return { outcome: 'pinned', pin, ...seen };
  const elsewhere = sameKey.filter((candidate) => !candidate.revoked);
  if (elsewhere.length > 0) return { ...refused, reason: 'other-host', pins: elsewhere };
  return { ...refused, reason: 'not-pinned' };
}

/** A known_hosts line for a key, to pin it (printed when trust on first use accepted it). */
export function knownHostsLine(host: string, port: number, keyBlob: Buffer): string {
  const hostField = port === 22 ? host : `[${host}]:${port}`;
  return `${hostField} ${keyTypeOf(keyBlob) ?? 'unknown'} ${keyBlob.toString('base64')}`;
}
