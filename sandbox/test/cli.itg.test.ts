import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxEndpoints } from '../src/endpoints.js';
import { CommandError, isAlive, run } from '../src/exec.js';
import { repoRoot } from '../src/paths.js';
import { portAnswers } from '../src/ports.js';
import type { SandboxState } from '../src/state.js';
import { useSandbox } from '../src/testing.js';

// A sandbox of its own (its own state directory) so that up/down here never touch the shared one. It
// reuses the run's Docker engine, as `up` does whenever DOCKER_HOST answers.
let stateDir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  const { docker } = await useSandbox(['docker']);
  stateDir = mkdtempSync(join(tmpdir(), 'sandbox-cli-itg-'));
  chmodSync(stateDir, 0o711);
  env = { ...process.env, SANDBOX_DIR: stateDir, DOCKER_HOST: docker.host };
});

afterAll(async () => {
  // Whatever a failed test left running here is stopped before the folder goes.
  await sandbox(['down']).catch(() => undefined);
  rmSync(stateDir, { recursive: true, force: true });
});

function sandbox(args: string[]) {
  return run(process.execPath, ['--import', 'tsx', join(repoRoot, 'sandbox', 'src', 'cli.ts'), ...args], {
    env,
    cwd: repoRoot,
  });
}

async function sandboxJson<T = SandboxEndpoints>(args: string[]): Promise<T> {
  return JSON.parse((await sandbox([...args, '--json'])).stdout) as T;
}

function state(): SandboxState {
  return JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as SandboxState;
}

function recordedPids(): number[] {
  const { registry, ssh } = state();
  return [registry?.pid, ssh?.sshdPid, ssh?.gatePid].filter((pid) => pid !== undefined);
}

describe('npm run sandbox', () => {
  it('up starts the registry and the SSH host and prints their endpoints as JSON', async () => {
    const endpoints = await sandboxJson(['up', 'registry', 'ssh']);
    expect(endpoints.stateDir).toBe(stateDir);
    expect(endpoints.registry?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(endpoints.ssh).toMatchObject({ host: '127.0.0.1', user: 'k8s-ship-deploy' });
    expect(endpoints.ssh?.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(endpoints.kube).toBeUndefined(); // not asked for
    expect(recordedPids()).toHaveLength(3);
    for (const pid of recordedPids()) expect(isAlive(pid)).toBe(true);
    expect(await portAnswers(endpoints.ssh!.port)).toBe(true);
    expect(statSync(join(stateDir, 'state.json')).mode & 0o777).toBe(0o600);
  });

  it('up again changes nothing: same processes, same endpoints', async () => {
    const pids = recordedPids();
    const first = await sandboxJson(['status']);
    const again = await sandboxJson(['up', 'registry', 'ssh']);
    expect(recordedPids()).toEqual(pids);
    expect(again.registry).toEqual(first.registry);
    expect(again.ssh).toEqual(first.ssh);
  });

  it('status tells what runs, for people and as JSON', async () => {
    const status = await sandboxJson<{ components: Record<string, string> }>(['status']);
    expect(status.components).toEqual({
      docker: 'down',
      registry: 'up',
      kube: 'down',
      prometheus: 'down',
      ssh: 'up',
    });
    const { stdout } = await sandbox(['status']);
    expect(stdout).toContain('registry: up');
    expect(stdout).toMatch(/known_hosts line: \[127\.0\.0\.1\]:\d+ ssh-ed25519 /);
    expect(stdout).toContain(`credentials file: ${join(stateDir, 'registry', 'credentials.json')}`);
  });

  it('restarts a component that died, on the same port', async () => {
    const before = state().registry!;
    process.kill(before.pid, 'SIGKILL');
    await expect
      .poll(
        async () =>
          (await sandboxJson<{ components: Record<string, string> }>(['status'])).components.registry,
      )
      .toBe('failed');
    const after = await sandboxJson(['up', 'registry']);
    expect(state().registry!.pid).not.toBe(before.pid);
    expect(after.registry?.address).toBe(`127.0.0.1:${before.port}`);
  });

  it('down stops everything it started and leaves no process, port or authorized key behind', async () => {
    const pids = recordedPids();
    const { registry, ssh } = state();
    await sandbox(['down']);
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    for (const port of [registry!.port, ssh!.gatePort, ssh!.sshdPort]) {
      expect(await portAnswers(port)).toBe(false);
    }
    expect(existsSync(ssh!.authorizedKeysFile)).toBe(false);
    const status = await sandboxJson<{ components: Record<string, string> }>(['status']);
    expect(status.components).toEqual({
      docker: 'down',
      registry: 'down',
      kube: 'down',
      prometheus: 'down',
      ssh: 'down',
    });
    await sandbox(['down']); // and a second down is harmless
  });

  it('rejects an unknown command or component, naming it', async () => {
    for (const [args, message] of [
      [
        ['up', 'database'],
        "unknown sandbox component 'database': expected one of docker, registry, kube, prometheus, ssh",
      ],
      [['restart'], "unknown command 'restart': expected up, down, status or build"],
    ] as const) {
      const error = await sandbox([...args]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CommandError);
      expect((error as CommandError).exitCode).toBe(1);
      expect((error as CommandError).stderr).toContain(message);
    }
  });

  it('is the npm script `sandbox`', async () => {
    const { stdout } = await run('npm', ['run', '--silent', 'sandbox', '--', 'status', '--json'], {
      env,
      cwd: repoRoot,
    });
    expect(JSON.parse(stdout).stateDir).toBe(stateDir);
  });
});
