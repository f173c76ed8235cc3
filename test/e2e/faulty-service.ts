import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../sandbox/src/exec.js';

/** A test-only bad version: a share (0..1) of user requests answered 500, or every one held this long. */
export type Fault = { errors: number } | { delayMs: number };

/** Where the image keeps the preload: outside /app, so the service's own files stay as built. */
export const FAULT_PRELOAD_PATH = '/k8s-ship-e2e/fault.cjs';
const preloadSource = fileURLToPath(new URL('./faults/fault.cjs', import.meta.url));

/** The variables that configure the preload (test/e2e/faults/fault.cjs) for one fault. */
export function faultEnv(fault: Fault): Record<string, string> {
  if ('errors' in fault) {
    if (!(fault.errors >= 0 && fault.errors <= 1))
      throw new Error(`errors ${fault.errors}: expected a share from 0 to 1`);
    return { K8S_SHIP_FAULT_ERROR_SHARE: String(fault.errors) };
  }
  if (!(Number.isInteger(fault.delayMs) && fault.delayMs > 0 && fault.delayMs <= 60_000))
    throw new Error(`delayMs ${fault.delayMs}: expected whole milliseconds from 1 to 60000`);
  return { K8S_SHIP_FAULT_DELAY_MS: String(fault.delayMs) };
}

/** The Dockerfile of a faulty image: the good one plus the preload. USER and ENTRYPOINT are inherited. */
export function faultyDockerfile(goodServiceImage: string, fault: Fault, label: string): string {
  const env = { NODE_OPTIONS: `--require=${FAULT_PRELOAD_PATH}`, ...faultEnv(fault) };
  return [
    `FROM ${goodServiceImage}`,
    // Owned by root, readable by all: the non-root user reads it from a read-only root filesystem.
    `COPY fault.cjs ${FAULT_PRELOAD_PATH}`,
    ...Object.entries(env).map(([name, value]) => `ENV ${name}=${value}`),
    `LABEL ${label}`,
    '',
  ].join('\n');
}

/**
 * Builds `tag` FROM the good service image (same bundle, user and entrypoint) with a preload that makes
 * the service fail or slow down on its user routes, in a way its own metrics record. Test-only: the real
 * service has no such switch. `label` (`key=value`) lets the caller remove the image afterwards.
 */
export async function buildFaultyServiceImage(
  dockerHost: string,
  goodServiceImage: string,
  fault: Fault,
  tag: string,
  label: string,
): Promise<string> {
  const context = mkdtempSync(join(tmpdir(), 'k8s-ship-faulty-image-'));
  try {
    copyFileSync(preloadSource, join(context, 'fault.cjs'));
    chmodSync(join(context, 'fault.cjs'), 0o644);
    writeFileSync(join(context, 'Dockerfile'), faultyDockerfile(goodServiceImage, fault, label));
    await run('docker', ['build', '--quiet', '--tag', tag, context], {
      env: { ...process.env, DOCKER_HOST: dockerHost },
      timeoutMs: 120_000,
    });
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  return tag;
}
