import { type DockerEngine, dockerEnv } from './docker-engine.js';
import { run } from './exec.js';
import {
  type Component,
  downUnlocked,
  requireComponents,
  type SandboxEndpoints,
  sandboxUp,
  withSandboxLock,
} from './sandbox.js';
import { dropLease, liveLeases, takeLease } from './test-leases.js';

/** Set by test/global-setup.ts for the whole vitest run: the id of the run's lease on the sandbox. */
export const testRunVariable = 'K8S_SHIP_SANDBOX_TEST_RUN';

/**
 * What integration tests call: brings up the components they need (idempotent, locked against
 * concurrent callers) and returns their endpoints, failing loudly when one cannot run here. Whatever a
 * test run starts is stopped by the run's global teardown (test/global-setup.ts), which must be set up.
 */
export async function useSandbox<C extends Component>(
  wanted: readonly C[],
): Promise<SandboxEndpoints & Required<Pick<SandboxEndpoints, C>>> {
  if (!process.env[testRunVariable]) {
    throw new Error(
      `${testRunVariable} is not set: add globalSetup: ['test/global-setup.ts'] to the vitest project that ` +
        'runs this file, so that what the tests start is stopped after the run',
    );
  }
  const endpoints = await sandboxUp(wanted, { startedBy: 'tests' });
  return requireComponents(endpoints, wanted);
}

/**
 * The Docker engine for a test file, leased like the other parts: the one at DOCKER_HOST when it answers,
 * else one the sandbox starts, which the run's teardown then stops (ensureDockerEngine alone would leave
 * that dockerd running after the run).
 */
export async function useDockerEngine(): Promise<DockerEngine> {
  const { docker } = await useSandbox(['docker']);
  return { host: docker.host };
}

/** Removes every image on the engine that carries `label` (`key=value`): how tests clean up their builds. */
export async function removeImagesLabelled(engine: DockerEngine, label: string): Promise<void> {
  const env = dockerEnv(engine);
  const { stdout } = await run('docker', ['image', 'ls', '--quiet', '--filter', `label=${label}`], { env });
  const ids = [...new Set(stdout.split('\n').filter(Boolean))];
  if (ids.length > 0) await run('docker', ['image', 'rm', '--force', ...ids], { env });
}

/** Called by the global setup: registers the run's lease and returns its id. */
export function beginTestRun(): string {
  const id = `run-${process.pid}`;
  takeLease(id);
  process.env[testRunVariable] = id;
  return id;
}

/**
 * Ends a run's lease. The last run out stops every component that tests started; components a person
 * brought up (`npm run sandbox -- up`) stay up.
 */
export async function endTestRun(id: string): Promise<void> {
  await withSandboxLock(async () => {
    dropLease(id);
    if (liveLeases().length === 0) await downUnlocked({ startedBy: 'tests' });
  });
}

/**
 * argv for the OpenSSH client to run `remoteCommand` on the SSH host with the pinned host key only:
 * no agent, no other identities, no prompts, no known_hosts but the one given.
 */
export function sshArgs(
  ssh: NonNullable<SandboxEndpoints['ssh']>,
  remoteCommand: string,
  overrides: { privateKeyFile?: string; knownHostsFile?: string } = {},
): string[] {
  return [
    '-i',
    overrides.privateKeyFile ?? ssh.privateKeyFile,
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'IdentityAgent=none',
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    `UserKnownHostsFile=${overrides.knownHostsFile ?? ssh.knownHostsFile}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'ConnectTimeout=10',
    '-p',
    String(ssh.port),
    '-l',
    ssh.user,
    ssh.host,
    remoteCommand,
  ];
}
