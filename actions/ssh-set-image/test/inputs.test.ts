import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/main.js';
import { runInProcess } from './in-process.js';

// Every input is checked before any connection: a listening socket counts the connections the action
// makes, and must count none for every rejected value.
let server: Server;
let accepted = 0;
let port: number;
const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs1', format: 'pem' })
  .toString();
const DIGEST = `sha256:${'a'.repeat(64)}`;

beforeAll(async () => {
  server = createServer((socket) => {
    accepted++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function validInputs(): Record<string, string> {
  return {
    namespace: 'shop-dev',
    deployment: 'metrics-api',
    image: `127.0.0.1:5000/metrics-api@${DIGEST}`,
    host: '127.0.0.1',
    port: String(port),
    user: 'deploy',
    'private-key': privateKey,
    'host-key': `SHA256:${'B'.repeat(43)}`,
    'connect-attempts': '1',
    'connect-timeout': '2s',
  };
}

async function failureOf(overrides: Record<string, string>): Promise<string> {
  const step = await runInProcess({ ...validInputs(), ...overrides }, () => run());
  expect(step.exitCode).toBe(1);
  expect(step.errors).toHaveLength(1);
  return step.errors[0] as string;
}

const injection = '$(touch /tmp/pwned)';

describe('ssh-set-image input checks, before any connection', () => {
  it.each([
    ['namespace', 'shop;reboot', "Invalid input 'namespace'"],
    ['namespace', 'Shop', "Invalid input 'namespace'"],
    ['deployment', `api${injection}`, "Invalid input 'deployment'"],
    ['deployment', '--all', "Invalid input 'deployment'"],
    ['containers', 'api,`id`', "Invalid input 'containers'"],
    ['image', `repo:tag;${injection}`, "Invalid input 'image'"],
    ['image', 'repo:latest', 'latest is not pinned'],
    ['image', 'repo', 'neither tag nor digest'],
    ['kubectl', '/usr/bin/kubectl; rm -rf /', "Invalid input 'kubectl'"],
    ['kubectl', '--kubeconfig=/etc/shadow', "Invalid input 'kubectl'"],
    ['kubeconfig', '~/.kube/config', "Invalid input 'kubeconfig'"],
    ['kubeconfig', '../../etc/k3s.yaml', "Invalid input 'kubeconfig'"],
    ['overlay', '../../etc', "Invalid input 'overlay'"],
    ['change-cause', 'deploy\n::set-output name=x::y', "Invalid input 'change-cause'"],
    ['host', '127.0.0.1 -oProxyCommand=sh', "Invalid input 'host'"],
    ['port', '22; id', "Invalid input 'port'"],
    ['user', 'root$(id)', "Invalid input 'user'"],
    ['host-key', `* ssh-ed25519 ${injection}`, "Invalid input 'host-key'"],
    ['private-key', 'not a key', "Invalid input 'private-key' (value hidden"],
    ['jump-host', 'bastion`id`', "Invalid input 'jump-host'"],
    ['ec2-instance-tag', 'Name', "Invalid input 'ec2-instance-tag'"],
    ['security-group-id', 'sg-1;x', "Invalid input 'security-group-id'"],
    ['runner-ip-url', 'http://example.com/ip', "Invalid input 'runner-ip-url'"],
  ])('rejects %s = %j', async (name, value, expected) => {
    const ingress = { 'temporary-ingress': 'true', 'security-group-id': 'sg-0123456789abcdef0' };
    const extra = name === 'security-group-id' || name === 'runner-ip-url' ? ingress : {};
    const message = await failureOf({ ...extra, [name]: value });
    expect(message).toContain(expected);
    expect(accepted).toBe(0);
  });

  it.each([
    ['strategy', 'big-bang', "Invalid input 'strategy'"],
    ['canary-steps', '50,10', "Invalid input 'canary-steps'"],
    ['canary-steps', '10,100', "Invalid input 'canary-steps'"],
    ['max-error-ratio', '5%', "Invalid input 'max-error-ratio'"],
    ['max-p99', 'fast', "Invalid input 'max-p99'"],
    ['min-requests', '0', "Invalid input 'min-requests'"],
    ['step-duration', '1s', "Invalid input 'step-duration'"],
    ['prometheus-address', `prometheus:9090;${injection}`, "Invalid input 'prometheus-address'"],
    ['prometheus-url', 'file:///etc/passwd', "Invalid input 'prometheus-url'"],
    ['analysis-filter', 'route="/"}) or vector(0', "Invalid input 'analysis-filter'"],
    ['requests-metric', 'up{job="x"}', "Invalid input 'requests-metric'"],
    ['status-label', 'status-code', "Invalid input 'status-label'"],
    ['service', 'Api', "Invalid input 'service'"],
  ])('a canary deploy rejects %s = %j', async (name, value, expected) => {
    const address = name === 'prometheus-url' ? '' : '127.0.0.1:9090';
    const canary = { strategy: 'canary', 'prometheus-address': address };
    const message = await failureOf({ ...canary, [name]: value });
    expect(message).toContain(expected);
    expect(accepted).toBe(0);
  });

  it('a canary deploy needs exactly one way to Prometheus', async () => {
    expect(await failureOf({ strategy: 'canary' })).toContain('set prometheus-url');
    const both = { 'prometheus-url': 'http://127.0.0.1:9090', 'prometheus-address': '127.0.0.1:9090' };
    expect(await failureOf({ strategy: 'blue-green', ...both })).toContain('not both');
    expect(accepted).toBe(0);
  });

  it('requires a pinned host key unless trust on first use is asked for', async () => {
    const message = await failureOf({ 'host-key': '' });
    expect(message).toContain("Input 'host-key' is required");
    expect(message).toContain('insecure-trust-on-first-use');
    expect(accepted).toBe(0);
  });

  it('never shows the private key in an error', async () => {
    const step = await runInProcess(
      { ...validInputs(), 'private-key': '-----BEGIN OPENSSH PRIVATE KEY-----\nsecretstuff\n' },
      () => run(),
    );
    expect(step.errors[0]).toContain("Invalid input 'private-key' (value hidden");
    // The key's lines are masked first, and no output line but the mask commands carries them.
    expect(step.stdout).toContain('::add-mask::secretstuff');
    expect(
      step.stdout
        .split('\n')
        .filter((line) => line.includes('secretstuff') && !line.startsWith('::add-mask::')),
    ).toEqual([]);
  });

  it('connects only when every input is valid (the counting socket sees it)', async () => {
    const message = await failureOf({});
    expect(message).toMatch(/ssh-set-image failed: Could not connect to SSH server deploy@127\.0\.0\.1/);
    expect(accepted).toBe(1);
  });

  it('removes the key inputs from the environment once read, so no child process inherits them', async () => {
    let left: string[] = ['not checked'];
    await runInProcess(validInputs(), async () => {
      await run();
      left = Object.keys(process.env).filter((name) => /^INPUT_(JUMP-)?PRIVATE-KEY/.test(name));
    });
    expect(left).toEqual([]);
  });
});
