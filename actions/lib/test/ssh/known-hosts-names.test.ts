import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeHostNames,
  hostNamesMatch,
  knownHostsName,
  parseHostNames,
} from '../../src/ssh/known-hosts-names.js';

// OpenSSH's own matching is the reference: every case is also looked up with `ssh-keygen -F`, which reads
// known_hosts with the code ssh uses, and the hashed names come from `ssh-keygen -H`.
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILd2D3ZPQs6Qz7w7x5r6wQe5YrrOAmPtJ/BFB2B81lGh';
let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'k8s-ship-known-hosts-'));
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Whether `ssh-keygen -F name` finds a line in a known_hosts file holding only `field KEY`. */
function openSshFinds(field: string, name: string): boolean {
  const file = join(scratch, 'known_hosts');
  writeFileSync(file, `${field} ${KEY}\n`);
  try {
    execFileSync('ssh-keygen', ['-F', name, '-f', file], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('knownHostsName', () => {
  it('is the host on port 22 and [host]:port elsewhere, lower-cased', () => {
    expect(knownHostsName('Node.Example.com', 22)).toBe('node.example.com');
    expect(knownHostsName('10.0.0.5', 2222)).toBe('[10.0.0.5]:2222');
    expect(knownHostsName('::1', 22)).toBe('::1');
    expect(knownHostsName('::1', 2222)).toBe('[::1]:2222');
  });
});

describe('plain host patterns, as OpenSSH matches them', () => {
  it.each([
    ['node.example.com', 'node.example.com', 22, true],
    ['node.example.com', 'other.example.com', 22, false],
    ['node.example.com', 'node.example.com', 2222, false],
    ['[node.example.com]:2222', 'node.example.com', 2222, true],
    ['[node.example.com]:2222', 'node.example.com', 22, false],
    ['[node.example.com]:2222', 'node.example.com', 2223, false],
    ['[node.example.com]:22', 'node.example.com', 22, false],
    ['Node.EXAMPLE.com', 'node.example.com', 22, true],
    ['node.example.com', 'NODE.example.com', 22, true],
    ['other.example.com,10.0.0.5', '10.0.0.5', 22, true],
    ['other.example.com,[10.0.0.5]:2222', '10.0.0.5', 2222, true],
    ['*.example.com', 'node.example.com', 22, true],
    ['*.example.com', 'example.com', 22, false],
    ['*', '10.0.0.5', 2222, true],
    ['10.0.0.?', '10.0.0.5', 22, true],
    ['10.0.0.?', '10.0.0.50', 22, false],
    ['[10.0.0.?]:*', '10.0.0.5', 2222, true],
    ['*,!bad.example.com', 'bad.example.com', 22, false],
    ['!bad.example.com,*', 'bad.example.com', 22, false],
    ['*,!bad.example.com', 'good.example.com', 22, true],
    ['!bad.example.com', 'good.example.com', 22, false],
    ['*.example.com,!*.internal.example.com', 'db.internal.example.com', 22, false],
    ['n*e*.example.com', 'node.example.com', 22, true],
    ['n*x*.example.com', 'node.example.com', 22, false],
  ] as const)('%s for %s port %i: %s', (field, host, port, expected) => {
    expect(hostNamesMatch(parseHostNames(field), host, port)).toBe(expected);
    expect(openSshFinds(field, knownHostsName(host, port))).toBe(expected);
  });

  it.each([
    ['an empty name in the list', 'a.example.com,,b.example.com'],
    ['a lone !', '!'],
    ['a hashed name of an unknown kind', '|2|abc|def'],
    ['a hashed name without its hash', '|1|UMSevozEPWkBo3sd0jHRitSBa4A='],
    ['a hashed name with a short salt', '|1|YWJj|d3ssObcbHuS22HtYbQq0QLITnoE='],
    ['a hashed name whose hash is not base64', '|1|UMSevozEPWkBo3sd0jHRitSBa4A=|not base64!'],
  ])('refuses %s, saying what is wrong', (_, field) => {
    expect(() => parseHostNames(field)).toThrow(/host name/);
  });
});

describe('hashed host names from ssh-keygen -H', () => {
  // Hashed by the real ssh-keygen: a name on port 22 and one on another port.
  let hashed: { plain: string; port22: string; port2222: string };

  beforeAll(() => {
    const file = join(scratch, 'to-hash');
    writeFileSync(file, `node.example.com ${KEY}\n[127.0.0.1]:2222 ${KEY}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const [port22, port2222] = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(' ')[0] as string);
    hashed = { plain: 'node.example.com', port22: port22 as string, port2222: port2222 as string };
    expect(hashed.port22).toMatch(/^\|1\|[A-Za-z0-9+/]{27}=\|[A-Za-z0-9+/]{27}=$/);
  });

  it('match the name they hash, whatever its case', () => {
    expect(hostNamesMatch(parseHostNames(hashed.port22), 'node.example.com', 22)).toBe(true);
    expect(hostNamesMatch(parseHostNames(hashed.port22), 'Node.Example.COM', 22)).toBe(true);
    expect(hostNamesMatch(parseHostNames(hashed.port2222), '127.0.0.1', 2222)).toBe(true);
  });

  it('match no other name nor port', () => {
    const port22 = parseHostNames(hashed.port22);
    const port2222 = parseHostNames(hashed.port2222);
    expect(hostNamesMatch(port22, 'other.example.com', 22)).toBe(false);
    expect(hostNamesMatch(port22, 'node.example.com', 2222)).toBe(false);
    expect(hostNamesMatch(port2222, '127.0.0.1', 22)).toBe(false);
    expect(hostNamesMatch(port2222, '127.0.0.1', 2223)).toBe(false);
    expect(hostNamesMatch(port2222, '127.0.0.2', 2222)).toBe(false);
  });

  it('agree with ssh-keygen -F', () => {
    expect(openSshFinds(hashed.port2222, '[127.0.0.1]:2222')).toBe(true);
    expect(openSshFinds(hashed.port2222, '[127.0.0.2]:2222')).toBe(false);
  });

  it('are described without pretending to know the name', () => {
    expect(describeHostNames(parseHostNames(hashed.port22))).toMatch(/^a hashed name \(\|1\|.{9}…\)$/);
    expect(describeHostNames(parseHostNames('a.example.com,b'))).toBe("'a.example.com,b'");
  });
});
