import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import globalSetup from '../../test/global-setup.js';
import { isAlive } from '../src/exec.js';
import { sandboxDown, sandboxStatus, sandboxUp } from '../src/sandbox.js';
import { readState } from '../src/state.js';
import { takeLease } from '../src/test-leases.js';
import { endTestRun, testRunVariable } from '../src/testing.js';

// These tests play several test runs against a sandbox of their own: SANDBOX_DIR points elsewhere
// while they run, so the run's shared sandbox is never touched.
const saved = { dir: process.env.SANDBOX_DIR, run: process.env[testRunVariable] };
let stateDir: string;

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

beforeAll(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'sandbox-testing-itg-'));
  chmodSync(stateDir, 0o711);
  process.env.SANDBOX_DIR = stateDir;
});

afterAll(async () => {
  await sandboxDown();
  restore('SANDBOX_DIR', saved.dir);
  restore(testRunVariable, saved.run);
  rmSync(stateDir, { recursive: true, force: true });
});

async function health() {
  return (await sandboxStatus()).components;
}

describe('test runs sharing the sandbox', () => {
  it('the last run out stops what tests started and leaves up what a person started', async () => {
    await sandboxUp(['registry'], { startedBy: 'user' });
    await sandboxUp(['ssh'], { startedBy: 'tests' });
    const sshPids = [readState().ssh!.sshdPid, readState().ssh!.gatePid];

    // Another run, still going: a process of its own holds its lease.
    const otherRun = spawn('sleep', ['60'], { stdio: 'ignore' });
    takeLease('run-other', otherRun.pid);
    takeLease('run-mine');
    await endTestRun('run-mine');
    expect(await health()).toMatchObject({ registry: 'up', ssh: 'up' });

    // The other run dies without its teardown: its lease no longer counts.
    const exited = new Promise((resolve) => otherRun.once('exit', resolve));
    otherRun.kill('SIGKILL');
    await exited;
    takeLease('run-last');
    await endTestRun('run-last');
    expect(await health()).toMatchObject({ registry: 'up', ssh: 'down' });
    for (const pid of sshPids) expect(isAlive(pid)).toBe(false);
    expect(readdirSync(join(stateDir, 'test-leases'))).toEqual([]);
  });

  it('a person who brings up a component a run started takes it over', async () => {
    await sandboxUp(['ssh'], { startedBy: 'tests' });
    await sandboxUp(['ssh'], { startedBy: 'user' });
    takeLease('run-mine');
    await endTestRun('run-mine');
    expect(await health()).toMatchObject({ ssh: 'up' });
    expect(readState().ssh!.startedBy).toBe('user');
  });

  it('the global setup holds a lease for the run and its teardown ends it', async () => {
    await sandboxDown(); // the test before left a person's ssh up
    await sandboxUp(['ssh'], { startedBy: 'tests' });
    const teardown = globalSetup();
    expect(process.env[testRunVariable]).toBe(`run-${process.pid}`);
    expect(readdirSync(join(stateDir, 'test-leases'))).toEqual([`run-${process.pid}`]);
    await teardown();
    expect(readdirSync(join(stateDir, 'test-leases'))).toEqual([]);
    expect(await health()).toMatchObject({ ssh: 'down' });
  });
});
