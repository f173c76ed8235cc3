import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureNodeBaseImage } from '../src/base-image.js';
import { dockerEnv } from '../src/docker-engine.js';
import { run } from '../src/exec.js';
import type { RegistryCredentials } from '../src/registry.js';
import type { SandboxEndpoints } from '../src/sandbox.js';
import { useSandbox } from '../src/testing.js';

let registry: NonNullable<SandboxEndpoints['registry']>;
let credentials: RegistryCredentials;
let env: NodeJS.ProcessEnv;
let dockerConfig: string;
const repository = 'k8s-ship-sandbox-test/registry-itg';
let image: string;

beforeAll(async () => {
  const sandbox = await useSandbox(['docker', 'registry']);
  registry = sandbox.registry;
  credentials = JSON.parse(readFileSync(registry.credentialsFile, 'utf8')) as RegistryCredentials;
  // Logins go to a config of this test's own, never to the machine's ~/.docker/config.json.
  dockerConfig = mkdtempSync(join(tmpdir(), 'registry-itg-docker-config-'));
  env = { ...dockerEnv(sandbox.docker), DOCKER_CONFIG: dockerConfig };
  image = `${registry.address}/${repository}:${process.pid}`;
  await run('docker', ['tag', await ensureNodeBaseImage(sandbox.docker, 'runtime'), image], { env });
});

afterAll(async () => {
  await run('docker', ['image', 'rm', '--force', image], { env }).catch(() => undefined);
  rmSync(dockerConfig, { recursive: true, force: true });
});

function basicAuth(): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

const manifestTypes = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
].join(', ');

describe('the sandbox registry', () => {
  it('keeps its credentials in a file readable by its owner only', () => {
    expect(statSync(registry.credentialsFile).mode & 0o777).toBe(0o600);
    expect(credentials.username).toBe(registry.username);
    expect(credentials.password.length).toBeGreaterThanOrEqual(24);
  });

  it('refuses anonymous requests and wrong passwords', async () => {
    expect((await fetch(`${registry.url}/v2/`)).status).toBe(401);
    const wrong = `Basic ${Buffer.from(`${credentials.username}:not-the-password`).toString('base64')}`;
    expect((await fetch(`${registry.url}/v2/`, { headers: { authorization: wrong } })).status).toBe(401);
    await expect(
      run('docker', ['login', '--username', credentials.username, '--password-stdin', registry.address], {
        env,
        input: 'not-the-password',
      }),
    ).rejects.toThrow(/unauthorized|401/i);
  });

  it('takes a docker login, a push, a manifest read by digest and a pull by digest', async () => {
    await run('docker', ['login', '--username', credentials.username, '--password-stdin', registry.address], {
      env,
      input: credentials.password,
    });
    const push = await run('docker', ['push', image], { env });
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(push.stdout)?.[1];
    expect(digest, push.stdout).toBeDefined();

    const tag = image.slice(image.lastIndexOf(':') + 1);
    const manifest = await fetch(`${registry.url}/v2/${repository}/manifests/${tag}`, {
      headers: { authorization: basicAuth(), accept: manifestTypes },
    });
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('docker-content-digest')).toBe(digest);

    await run('docker', ['image', 'rm', image], { env });
    await run('docker', ['pull', `${registry.address}/${repository}@${digest}`], { env });
    const { stdout } = await run(
      'docker',
      ['image', 'ls', '--digests', '--format', '{{.Digest}}', `${registry.address}/${repository}`],
      { env },
    );
    expect(stdout).toContain(digest);
    await run('docker', ['image', 'rm', `${registry.address}/${repository}@${digest}`], { env });

    // Leave the registry as we found it (its storage allows deletes).
    const deleted = await fetch(`${registry.url}/v2/${repository}/manifests/${digest}`, {
      method: 'DELETE',
      headers: { authorization: basicAuth() },
    });
    expect(deleted.status).toBe(202);
  });
});
