import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { getSshConnectionInputs } from '../../src/ssh/connection-inputs.js';

const rsa = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs1', format: 'pem' })
    .toString();
const KEY = rsa();
const JUMP_KEY = rsa();
const PIN = `SHA256:${'A'.repeat(43)}`;
const JUMP_PIN = `SHA256:${'B'.repeat(43)}`;
const saved = { ...process.env };

function setInputs(inputs: Record<string, string>): void {
  for (const [name, value] of Object.entries(inputs)) process.env[`INPUT_${name.toUpperCase()}`] = value;
}

afterEach(() => {
  process.env = { ...saved };
});

const base = { host: 'node.example.com', user: 'ubuntu', 'private-key': KEY, 'host-key': PIN };

describe('getSshConnectionInputs', () => {
  it('reads a plain host with its defaults', () => {
    setInputs(base);
    const settings = getSshConnectionInputs();
    expect(settings).toMatchObject({
      target: { host: 'node.example.com' },
      port: 22,
      username: 'ubuntu',
      connectTimeoutMs: 20_000,
      connectAttempts: 3,
    });
    expect(settings.hostKeys).toEqual({ pins: [{ fingerprint: PIN, source: 'fingerprint on line 1' }] });
    expect(settings.jump).toBeUndefined();
    expect(settings.temporaryIngress).toBeUndefined();
  });

  it('trusts on first use only when asked, and only without pins', () => {
    setInputs({ ...base, 'host-key': '', 'insecure-trust-on-first-use': 'true' });
    expect(getSshConnectionInputs().hostKeys).toEqual({ trustOnFirstUse: true });
  });

  it('gives the jump host the node’s user and key unless it has its own, but always its own pins', () => {
    setInputs({ ...base, 'jump-host': '198.51.100.1', 'jump-host-key': JUMP_PIN });
    expect(getSshConnectionInputs().jump).toMatchObject({
      host: '198.51.100.1',
      port: 22,
      username: 'ubuntu',
      privateKey: KEY,
      hostKeys: { pins: [{ fingerprint: JUMP_PIN }] },
    });
    setInputs({ 'jump-user': 'bastion', 'jump-private-key': JUMP_KEY, 'jump-port': '2222' });
    expect(getSshConnectionInputs().jump).toMatchObject({
      username: 'bastion',
      privateKey: JUMP_KEY,
      port: 2222,
    });
  });

  it('requires the jump host’s own pins', () => {
    setInputs({ ...base, 'jump-host': 'bastion.example.com' });
    expect(() => getSshConnectionInputs()).toThrow("Input 'jump-host-key' is required");
  });

  it('finds the node by EC2 tag instead of a host, never both', () => {
    setInputs({
      ...base,
      host: '',
      'ec2-instance-tag': 'Name=k8s control-plane',
      'ec2-address': 'private-ip',
    });
    expect(getSshConnectionInputs().target).toEqual({
      ec2: { tag: { key: 'Name', value: 'k8s control-plane' } },
      addressKind: 'private-ip',
    });
    setInputs({ host: 'node.example.com' });
    expect(() => getSshConnectionInputs()).toThrow(
      "Set either 'host' or one of 'ec2-instance-id'/'ec2-instance-tag'",
    );
  });

  it('asks for a host when there is neither host nor EC2 query', () => {
    setInputs({ ...base, host: '' });
    expect(() => getSshConnectionInputs()).toThrow("Input 'host' is required");
  });

  it('reads the temporary ingress settings with the lookup default', () => {
    setInputs({ ...base, 'temporary-ingress': 'true', 'security-group-id': 'sg-0123456789abcdef0' });
    expect(getSshConnectionInputs().temporaryIngress).toEqual({
      securityGroupId: 'sg-0123456789abcdef0',
      runnerIpUrl: 'https://checkip.amazonaws.com',
    });
  });

  it('refuses a passphrase-protected key without its passphrase, hiding the key', () => {
    const locked = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' })
      .toString();
    setInputs({ ...base, 'private-key': locked });
    expect(() => getSshConnectionInputs()).toThrow(
      "Invalid input 'private-key' (value hidden, it is a secret)",
    );
    setInputs({ 'private-key-passphrase': 'pw' });
    expect(getSshConnectionInputs().passphrase).toBe('pw');
  });

  it('refuses temporary ingress together with a jump host', () => {
    setInputs({
      ...base,
      'jump-host': 'bastion.example.com',
      'jump-host-key': JUMP_PIN,
      'temporary-ingress': 'true',
      'security-group-id': 'sg-0123456789abcdef0',
    });
    expect(() => getSshConnectionInputs()).toThrow("cannot be combined with 'jump-host'");
  });
});
