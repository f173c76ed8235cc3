import { run } from '../../sandbox/src/exec.js';

/** What the broken runtime makes node do at start: load a module that is not there, and exit 1. */
export const BROKEN_RUNTIME_ERROR = "Cannot find module '/k8s-ship-e2e/missing.js'";

/**
 * A runtime base for service/Dockerfile's RUNTIME_IMAGE that is the good one plus NODE_OPTIONS asking node
 * to preload a missing module: the service image builds from the same Dockerfile and bundle, and every
 * container of it exits at once, so its pods go into CrashLoopBackOff (as a bad base or a broken
 * dependency would). No shell is needed: the runtime base has none.
 */
export async function buildBrokenRuntime(
  dockerHost: string,
  runtimeBase: string,
  name: string,
  label: string,
): Promise<string> {
  const dockerfile = [
    `FROM ${runtimeBase}`,
    'ENV NODE_OPTIONS=--require=/k8s-ship-e2e/missing.js',
    `LABEL ${label}`,
    '',
  ].join('\n');
  await run('docker', ['build', '--quiet', '--tag', name, '-'], {
    env: { ...process.env, DOCKER_HOST: dockerHost },
    input: dockerfile,
    timeoutMs: 120_000,
  });
  return name;
}
