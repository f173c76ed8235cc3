import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getInputs } from '../src/inputs.js';

const set: string[] = [];

function withInputs(inputs: Record<string, string>): void {
  for (const [name, value] of Object.entries(inputs)) {
    const key = `INPUT_${name.toUpperCase()}`;
    process.env[key] = value;
    set.push(key);
  }
}

afterEach(() => {
  for (const key of set.splice(0)) delete process.env[key];
});

describe('getInputs', () => {
  it('gives the defaults: 10 m timeout, 1 s polls, rollback on', () => {
    withInputs({ namespace: 'shop', deployment: 'metrics-api' });
    const { settings, connection } = getInputs();
    expect(settings).toEqual({
      namespace: 'shop',
      deployment: 'metrics-api',
      timeoutMs: 600_000,
      rollbackTimeoutMs: 300_000,
      pollIntervalMs: 1_000,
      thresholds: {
        crashLoopRestarts: 2,
        unschedulableMs: 120_000,
        readinessMs: 300_000,
        imagePullGraceMs: 20_000,
      },
      rollbackOnFailure: true,
      logLines: 50,
    });
    expect(connection).toEqual({ kubectlPath: 'kubectl', kubeconfig: undefined, ssh: undefined });
  });

  it('reads every threshold and the previous revision', () => {
    withInputs({
      namespace: 'shop',
      deployment: 'metrics-api',
      timeout: '90s',
      'poll-interval': '500ms',
      'crash-loop-restarts': '0',
      'unschedulable-timeout': '30s',
      'readiness-timeout': '1m',
      'image-pull-grace': '0s',
      'rollback-on-failure': 'false',
      revision: '5',
      'pod-template-hash': '6db4dc8b59',
      'previous-revision': '4',
      kubeconfig: 'kube/config',
    });
    const { settings, connection } = getInputs();
    expect(settings).toMatchObject({
      timeoutMs: 90_000,
      pollIntervalMs: 500,
      thresholds: { crashLoopRestarts: 0, unschedulableMs: 30_000, readinessMs: 60_000, imagePullGraceMs: 0 },
      rollbackOnFailure: false,
      previousRevision: 4,
      identity: { revision: 5, podTemplateHash: '6db4dc8b59' },
    });
    expect(connection.kubeconfig).toBe('kube/config');
  });

  it('takes previous-revision 0 as a first deploy', () => {
    withInputs({ namespace: 'shop', deployment: 'web', 'previous-revision': '0' });
    expect(getInputs().settings.previousRevision).toBeUndefined();
  });

  it.each([
    [
      { namespace: 'Shop;rm -rf /', deployment: 'web' },
      "Invalid input 'namespace': 'Shop;rm -rf /'. Expected a DNS-1123 label",
    ],
    [
      { namespace: 'shop', deployment: '--all' },
      "Invalid input 'deployment': '--all'. Expected a DNS-1123 subdomain",
    ],
    [{ namespace: 'shop', deployment: 'web', 'poll-interval': '5s' }, "Invalid input 'poll-interval': '5s'"],
    [
      { namespace: 'shop', deployment: 'web', 'previous-revision': 'HEAD~1' },
      "Invalid input 'previous-revision': 'HEAD~1'",
    ],
    [
      { namespace: 'shop', deployment: 'web', kubeconfig: '--insecure-skip-tls-verify' },
      "Invalid input 'kubeconfig'",
    ],
    [
      { namespace: 'shop', deployment: 'web', 'rollback-on-failure': 'yes' },
      "Invalid input 'rollback-on-failure'",
    ],
    [
      { namespace: 'shop', deployment: 'web', 'pod-template-hash': 'ABC/../x' },
      "Invalid input 'pod-template-hash': 'ABC/../x'. Expected ssh-set-image's pod-template-hash output",
    ],
    [{ namespace: 'shop', deployment: 'web', revision: '0' }, "Invalid input 'revision': '0'"],
    [
      { namespace: 'shop', deployment: 'web', 'image-pull-grace': '11m' },
      "Invalid input 'image-pull-grace': '11m'",
    ],
  ])('rejects %j, naming the input and value', (inputs, message) => {
    withInputs(inputs);
    expect(() => getInputs()).toThrow(message);
  });

  it('asks for the namespace when it is missing', () => {
    withInputs({ deployment: 'web' });
    expect(() => getInputs()).toThrow("Input 'namespace' is required but was empty.");
  });
});

describe('getInputs for kubectl over SSH', () => {
  let dir: string;
  let privateKey: string;
  const hostKeyLine = `[127.0.0.1]:2222 ssh-ed25519 ${Buffer.concat([
    Buffer.from([0, 0, 0, 11]),
    Buffer.from('ssh-ed25519'),
    Buffer.from([0, 0, 0, 32]),
    Buffer.alloc(32, 7),
  ]).toString('base64')}`;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rollout-wait-inputs-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'key')]);
    privateKey = readFileSync(join(dir, 'key'), 'utf8');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const ssh = () => ({
    namespace: 'shop',
    deployment: 'web',
    host: 'node.example.com',
    user: 'deploy',
    'private-key': privateKey,
  });

  it('reads host, port, user, key and the pinned host key; kubeconfig is then the node’s', () => {
    withInputs({
      ...ssh(),
      port: '2222',
      'host-key': hostKeyLine,
      kubeconfig: '/etc/rancher/k3s/k3s.yaml',
      kubectl: '/usr/local/bin/kubectl',
    });
    const { connection } = getInputs();
    expect(connection).toMatchObject({
      kubectlPath: '/usr/local/bin/kubectl',
      kubeconfig: '/etc/rancher/k3s/k3s.yaml',
      ssh: {
        target: { host: 'node.example.com' },
        port: 2222,
        username: 'deploy',
        privateKey,
        hostKeys: { pins: [{ keyType: 'ssh-ed25519' }] },
      },
    });
    // Read once, the key leaves the environment: no program the action starts inherits it.
    expect(process.env['INPUT_PRIVATE-KEY']).toBeUndefined();
  });

  it('refuses to connect without a pinned host key unless trust on first use is chosen', () => {
    withInputs(ssh());
    expect(() => getInputs()).toThrow(
      "Input 'host-key' is required but was empty. Pin the node's SSH host key",
    );
    withInputs({ ...ssh(), 'insecure-trust-on-first-use': 'true' });
    expect(getInputs().connection.ssh?.hostKeys).toEqual({ trustOnFirstUse: true });
  });

  it.each([
    [{ host: 'node -oProxyCommand=x' }, "Invalid input 'host': 'node -oProxyCommand=x'"],
    [
      { 'temporary-ingress': 'true', 'security-group-id': 'sg-0abc1234def567890' },
      'rollout-wait does not open a temporary ingress',
    ],
    [{ user: 'root;id' }, "Invalid input 'user': 'root;id'"],
    [
      { 'host-key': 'not a key' },
      "Invalid input 'host-key': 'not a key'. Expected known_hosts lines or SHA256 fingerprints",
    ],
    [{ 'private-key': 'hunter2' }, "Invalid input 'private-key' (value hidden, it is a secret)"],
  ])('rejects %j before any connection', (bad, message) => {
    withInputs({ ...ssh(), 'host-key': hostKeyLine, ...bad });
    expect(() => getInputs()).toThrow(message);
  });

  it('never quotes the private key back', () => {
    withInputs({ ...ssh(), 'host-key': hostKeyLine, 'private-key': 'hunter2-secret' });
    expect(() => getInputs()).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });
});
