import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkPrivateKey } from '../../src/ssh/connect-client.js';
import { HostKeyRefusedError } from '../../src/ssh/errors.js';
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
const NODE = { host: '10.0.0.5', port: 2222 };
// Another ed25519 key: a valid blob that the server does not have.
const OTHER_BASE64 = Buffer.concat([
  Buffer.from([0, 0, 0, 11]),
  Buffer.from('ssh-ed25519'),
  Buffer.from([0, 0, 0, 32]),
  Buffer.alloc(32, 9),
]).toString('base64');

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
    ['an unknown marker', `@trusted * ssh-ed25519 ${KEY_BASE64}`],
    ['a revoked key without host names', `@revoked ssh-ed25519 ${KEY_BASE64}`],
    ['a broken hashed host name', `|1|abc|def ssh-ed25519 ${KEY_BASE64}`],
    ['an empty host pattern', `a.example.com,,b ssh-ed25519 ${KEY_BASE64}`],
    ['a shell injection attempt', 'host ssh-ed25519 $(reboot)'],
  ])('rejects %s, naming the line', (_, line) => {
    expect(() => parseHostKeyPins(`# ok\n${line}`)).toThrow(/line 2/);
  });

  it('says why a cert-authority line is refused', () => {
    expect(() => parseHostKeyPins(`@cert-authority *.example.com ssh-ed25519 ${KEY_BASE64}`)).toThrow(
      "line 1: @cert-authority lines are not supported: the connection checks the host's own key, not a host certificate",
    );
  });

  it('reads @revoked lines, but not as the only lines', () => {
    const pins = parseHostKeyPins(`@revoked * ssh-ed25519 ${KEY_BASE64}\nSHA256:${'A'.repeat(43)}`);
    expect(pins[0]).toMatchObject({
      fingerprint: KEY_FINGERPRINT,
      revoked: true,
      source: 'known_hosts line 1',
    });
    expect(() => parseHostKeyPins(`@revoked * ssh-ed25519 ${KEY_BASE64}`)).toThrow(/every line is @revoked/);
  });
});

describe('verifyHostKey', () => {
  const refused = (text: string, target = NODE) => {
    const verdict = verifyHostKey({ pins: parseHostKeyPins(text) }, keyBlob, target);
    if (verdict.outcome !== 'refused') throw new Error(`expected a refusal, got ${verdict.outcome}`);
    return {
      verdict,
      error: new HostKeyRefusedError('deploy@10.0.0.5:2222', verdict, parseHostKeyPins(text)),
    };
  };

  it('accepts a pinned key and says which pin matched', () => {
    const pins = parseHostKeyPins(`SHA256:${'A'.repeat(43)}\n${KEY_FINGERPRINT}`);
    const verdict = verifyHostKey({ pins }, keyBlob, NODE);
    expect(verdict.outcome).toBe('pinned');
    expect(verdict.outcome === 'pinned' && verdict.pin.source).toBe('fingerprint on line 2');
  });

  it('refuses a key that matches no pin and reports the fingerprint it saw', () => {
    const verdict = verifyHostKey({ pins: parseHostKeyPins(`SHA256:${'A'.repeat(43)}`) }, keyBlob, NODE);
    expect(verdict).toEqual({
      outcome: 'refused',
      reason: 'not-pinned',
      host: '10.0.0.5',
      port: 2222,
      fingerprint: KEY_FINGERPRINT,
      keyType: 'ssh-ed25519',
      key: keyBlob,
    });
  });

  it('refuses everything when nothing is pinned', () => {
    expect(verifyHostKey({ pins: [] }, keyBlob, NODE).outcome).toBe('refused');
  });

  it('accepts any key only with explicit trust on first use', () => {
    expect(verifyHostKey({ trustOnFirstUse: true }, keyBlob, NODE).outcome).toBe('trusted-on-first-use');
  });

  it('accepts a known_hosts line only for the host and port it names', () => {
    const pins = parseHostKeyPins(`other.example.com,[10.0.0.5]:2222 ssh-ed25519 ${KEY_BASE64}`);
    expect(verifyHostKey({ pins }, keyBlob, NODE).outcome).toBe('pinned');
    expect(verifyHostKey({ pins }, keyBlob, { host: 'other.example.com', port: 22 }).outcome).toBe('pinned');
    expect(verifyHostKey({ pins }, keyBlob, { host: '10.0.0.5', port: 22 }).outcome).toBe('refused');
    expect(verifyHostKey({ pins }, keyBlob, { host: '10.0.0.6', port: 2222 }).outcome).toBe('refused');
  });

  it('accepts a bare key or fingerprint for any host', () => {
    for (const text of [`ssh-ed25519 ${KEY_BASE64}`, KEY_FINGERPRINT]) {
      const pins = parseHostKeyPins(text);
      expect(verifyHostKey({ pins }, keyBlob, NODE).outcome).toBe('pinned');
      expect(verifyHostKey({ pins }, keyBlob, { host: 'anything', port: 22 }).outcome).toBe('pinned');
    }
  });

  it('refuses a key pinned only for other names, and the error names the host and those names', () => {
    const { verdict, error } = refused(
      `node-b.example.com ssh-ed25519 ${KEY_BASE64}\n[10.0.0.5]:22 ssh-ed25519 ${KEY_BASE64}`,
    );
    expect(verdict.reason).toBe('other-host');
    expect(verdict.reason === 'other-host' && verdict.pins.map((pin) => pin.source)).toEqual([
      'known_hosts line 1',
      'known_hosts line 2',
    ]);
    expect(error.reason).toBe('other-host');
    expect(error.message).toContain(
      'The SSH host key of deploy@10.0.0.5:2222 is pinned only for other host names',
    );
    expect(error.message).toContain(KEY_FINGERPRINT);
    expect(error.message).toContain("known_hosts line 1 has it for 'node-b.example.com'");
    expect(error.message).toContain("known_hosts line 2 has it for '[10.0.0.5]:22'");
    expect(error.message).toContain("none for '[10.0.0.5]:2222'");
  });

  it('names the host looked up, and the lines for other hosts when the key is pinned nowhere', () => {
    const { verdict, error } = refused(`node-b.example.com ssh-ed25519 ${KEY_BASE64}`, {
      host: 'node-a.example.com',
      port: 22,
    });
    expect(verdict.reason).toBe('other-host');
    expect(error.message).toContain("none for 'node-a.example.com'");
    const other = refused(`SHA256:${'A'.repeat(43)}\nnode-b ssh-ed25519 ${OTHER_BASE64}`);
    expect(other.verdict.reason).toBe('not-pinned');
    expect(other.error.message).toContain(
      `is not pinned: the server presented ssh-ed25519 key ${KEY_FINGERPRINT}, the pins for '[10.0.0.5]:2222' are SHA256:${'A'.repeat(43)} (known_hosts line 2 is for 'node-b', not for '[10.0.0.5]:2222')`,
    );
  });

  it('refuses a key that an @revoked line for this host names, even when it is pinned too', () => {
    const { verdict, error } = refused(`@revoked [10.0.0.5]:* ssh-ed25519 ${KEY_BASE64}\n${KEY_FINGERPRINT}`);
    expect(verdict.reason).toBe('revoked');
    expect(error.message).toContain('is revoked');
    expect(error.message).toContain('known_hosts line 1 marks @revoked');
  });

  it('ignores an @revoked line for other hosts', () => {
    const pins = parseHostKeyPins(`@revoked node-b ssh-ed25519 ${KEY_BASE64}\n${KEY_FINGERPRINT}`);
    expect(verifyHostKey({ pins }, keyBlob, NODE)).toMatchObject({
      outcome: 'pinned',
      pin: { source: 'fingerprint on line 2' },
    });
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
