import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkPrivateKey } from '../../src/ssh/connect-client.js';
import {
  fingerprintOf,
  keyTypeOf,
  knownHostsLine,
  parseHostKeyPins,
  verifyHostKey,
} from '../../src/ssh/host-key.js';

// A public key and the fingerprint `ssh-keygen -lf` printed for it.
const KEY_BASE64 = 'AAAAC3NzaC1lZDI1NTE5AAAAILd2D3ZPQs6Qz7w7x5r6wQe5YrrOAmPtJ/BFB2B81lGh';
const KEY_FINGERPRINT = 'SHA256:zzhpHy2OSB307IYlb5LD8jPyQSnuu41E1GelEANj4II';
const keyBlob = Buffer.from(KEY_BASE64, 'base64');

describe('fingerprintOf', () => {
  it('matches what ssh-keygen prints', () => {
    expect(fingerprintOf(keyBlob)).toBe(KEY_FINGERPRINT);
    expect(keyTypeOf(keyBlob)).toBe('ssh-ed25519');
  });
});

describe('parseHostKeyPins', () => {
  it('reads known_hosts lines with and without a host field, fingerprints, comments and blank lines', () => {
    const pins = parseHostKeyPins(
      [
        '# current key',
        `[10.0.0.5]:2222 ssh-ed25519 ${KEY_BASE64} root@node`,
        '',
        `ssh-ed25519 ${KEY_BASE64}`,
        KEY_FINGERPRINT,
      ].join('\n'),
    );
    expect(pins.map((pin) => pin.fingerprint)).toEqual([KEY_FINGERPRINT, KEY_FINGERPRINT, KEY_FINGERPRINT]);
    expect(pins.map((pin) => pin.source)).toEqual([
      'known_hosts line 2',
      'known_hosts line 4',
      'fingerprint on line 5',
    ]);
  });

  it.each([
    ['a truncated fingerprint', 'SHA256:abc'],
    ['an MD5 fingerprint', 'MD5:12:34'],
    ['a line that is not a key', 'host.example.com'],
    ['a key whose type does not match its blob', `host ssh-rsa ${KEY_BASE64}`],
    ['a cert-authority marker', `@cert-authority * ssh-ed25519 ${KEY_BASE64}`],
    ['a shell injection attempt', 'host ssh-ed25519 $(reboot)'],
  ])('rejects %s, naming the line', (_, line) => {
    expect(() => parseHostKeyPins(`# ok\n${line}`)).toThrow(/line 2/);
  });
});

describe('verifyHostKey', () => {
  it('accepts a pinned key and says which pin matched', () => {
    const pins = parseHostKeyPins(`SHA256:${'A'.repeat(43)}\n${KEY_FINGERPRINT}`);
    const verdict = verifyHostKey({ pins }, keyBlob);
    expect(verdict.outcome).toBe('pinned');
    expect(verdict.outcome === 'pinned' && verdict.pin.source).toBe('fingerprint on line 2');
  });

  it('refuses a key that matches no pin and reports the fingerprint it saw', () => {
    const verdict = verifyHostKey({ pins: parseHostKeyPins(`SHA256:${'A'.repeat(43)}`) }, keyBlob);
    expect(verdict).toEqual({
      outcome: 'refused',
      fingerprint: KEY_FINGERPRINT,
      keyType: 'ssh-ed25519',
      key: keyBlob,
    });
  });

  it('refuses everything when nothing is pinned', () => {
    expect(verifyHostKey({ pins: [] }, keyBlob).outcome).toBe('refused');
  });

  it('accepts any key only with explicit trust on first use', () => {
    expect(verifyHostKey({ trustOnFirstUse: true }, keyBlob).outcome).toBe('trusted-on-first-use');
  });
});

describe('knownHostsLine', () => {
  it('writes a line that parses back to the same pin', () => {
    const line = knownHostsLine('10.0.0.5', 2222, keyBlob);
    expect(line).toBe(`[10.0.0.5]:2222 ssh-ed25519 ${KEY_BASE64}`);
    expect(parseHostKeyPins(line)[0]?.fingerprint).toBe(KEY_FINGERPRINT);
    expect(knownHostsLine('node', 22, keyBlob)).toBe(`node ssh-ed25519 ${KEY_BASE64}`);
  });
});

describe('checkPrivateKey', () => {
  // ssh2 reads OpenSSH keys and traditional PEM: an RSA key in PKCS#1 is the one node:crypto can write.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const encrypted = privateKey
    .export({ type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'right' })
    .toString();

  it('accepts a readable key', () => {
    expect(() => checkPrivateKey(pem, undefined)).not.toThrow();
    expect(() => checkPrivateKey(encrypted, 'right')).not.toThrow();
  });

  it('rejects garbage and a wrong passphrase without showing the key', () => {
    expect(() => checkPrivateKey('not a key', undefined)).toThrow(/could not be read/);
    const error = (() => {
      try {
        checkPrivateKey(encrypted, 'wrong');
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toMatch(/could not be read/);
    expect(error?.message).not.toContain('PRIVATE KEY');
  });
});
