/*
 * The host-name field of a known_hosts line, matched as OpenSSH matches it (sshd(8), "SSH_KNOWN_HOSTS FILE
 * FORMAT"; hostfile.c and match.c):
 *
 * - The name looked up is the host as given (lower-cased), or `[host]:port` when the port is not 22. A line
 *   for `node` does not pin `[node]:2222`, nor the other way round.
 * - A plain field is a comma-separated list of patterns: `*` matches any run of characters, `?` one; a
 *   pattern starting with `!` excludes, and an excluded name never matches the line, whatever the other
 *   patterns say. Matching ignores case.
 * - A hashed field (`ssh-keygen -H`, `HashKnownHosts yes`) is `|1|SALT|HASH`: HASH is the HMAC-SHA1 of the
 *   looked-up name keyed by SALT, both base64 of 20 bytes. It names one host and has no patterns.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

interface HostPattern {
  negated: boolean;
  /** The pattern without its `!`, lower-cased. */
  glob: string;
}

export type HostNames =
  | { kind: 'patterns'; text: string; patterns: readonly HostPattern[] }
  | { kind: 'hashed'; text: string; salt: Buffer; hash: Buffer };

const HASH_MAGIC = '|1|';
const SHA1_BYTES = 20;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
// Anything but the separators of the line and of the list; `|` only starts a hashed field.
const PATTERN = /^[^\s,|]+$/;

/** The name OpenSSH looks up in known_hosts for a host and port: `host`, or `[host]:port` off port 22. */
export function knownHostsName(host: string, port: number): string {
  const name = host.toLowerCase();
  return port === 22 ? name : `[${name}]:${port}`;
}

function decode20(text: string, what: string, field: string): Buffer {
  const bytes = BASE64.test(text) ? Buffer.from(text, 'base64') : Buffer.alloc(0);
  if (bytes.length !== SHA1_BYTES) {
    throw new Error(`the hashed host name '${field}' has no valid ${what} (base64 of ${SHA1_BYTES} bytes)`);
  }
  return bytes;
}

/** Reads the first field of a known_hosts line; throws an Error saying what is wrong with it. */
export function parseHostNames(field: string): HostNames {
  if (field.startsWith('|')) {
    if (!field.startsWith(HASH_MAGIC)) {
      throw new Error(`the hashed host name '${field}' is not of the form |1|SALT|HASH`);
    }
    const parts = field.slice(HASH_MAGIC.length).split('|');
    if (parts.length !== 2)
      throw new Error(`the hashed host name '${field}' is not of the form |1|SALT|HASH`);
    return {
      kind: 'hashed',
      text: field,
      salt: decode20(parts[0] as string, 'salt', field),
      hash: decode20(parts[1] as string, 'hash', field),
    };
  }
  const patterns = field.split(',').map((raw): HostPattern => {
    const negated = raw.startsWith('!');
    const glob = (negated ? raw.slice(1) : raw).toLowerCase();
    if (!PATTERN.test(glob)) {
      throw new Error(
        `the host names '${field}' are not a comma-separated list of names or patterns (${raw === '' ? 'an empty one' : `'${raw}'`})`,
      );
    }
    return { negated, glob };
  });
  return { kind: 'patterns', text: field, patterns };
}

/** OpenSSH's match_pattern: `*` any run of characters, `?` exactly one, everything else itself. */
function globMatches(glob: string, name: string): boolean {
  // Iterative wildcard matching with one backtrack point: linear in practice, no regular expression.
  let g = 0;
  let n = 0;
  let starG = -1;
  let starN = 0;
  while (n < name.length) {
    if (g < glob.length && (glob[g] === '?' || glob[g] === name[n])) {
      g++;
      n++;
    } else if (g < glob.length && glob[g] === '*') {
      starG = g++;
      starN = n;
    } else if (starG !== -1) {
      g = starG + 1;
      n = ++starN;
    } else return false;
  }
  while (glob[g] === '*') g++;
  return g === glob.length;
}

/** Whether a known_hosts line with these names applies to this host and port. */
export function hostNamesMatch(names: HostNames, host: string, port: number): boolean {
  const name = knownHostsName(host, port);
  if (names.kind === 'hashed') {
    const hash = createHmac('sha1', names.salt).update(name).digest();
    return timingSafeEqual(hash, names.hash);
  }
  let positive = false;
  for (const pattern of names.patterns) {
    if (!globMatches(pattern.glob, name)) continue;
    if (pattern.negated) return false;
    positive = true;
  }
  return positive;
}

/** The names for a message: the field as written, or that it is a hashed name (which hides the host). */
export function describeHostNames(names: HostNames): string {
  return names.kind === 'hashed' ? `a hashed name (${names.text.slice(0, 12)}…)` : `'${names.text}'`;
}
