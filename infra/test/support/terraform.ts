import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TerraformResult {
  status: number | null;
  output: string;
}

/** A scratch folder with a Terraform CLI config whose only provider source is an empty mirror. */
export interface OfflineWorkspace {
  root: string;
  env: NodeJS.ProcessEnv;
  dispose(): void;
}

/** Fails loudly when terraform is missing: these checks must never pass by not running. */
export function requireTerraform(): string {
  const probe = spawnSync('terraform', ['version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'terraform is not on PATH (needed for fmt, terraform test and the lock-file check); install Terraform >= 1.11',
    );
  }
  return probe.stdout.split('\n')[0] ?? '';
}

/**
 * Any provider download would have to come from the empty mirror and fail, so a passing run proves the
 * module needs no provider; TF_IN_AUTOMATION and no colour keep the output stable to match on.
 */
export function offlineWorkspace(prefix: string): OfflineWorkspace {
  const root = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const mirror = join(root, 'empty-provider-mirror');
  mkdirSync(mirror);
  const config = join(root, 'terraform.rc');
  writeFileSync(
    config,
    `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(mirror)}\n  }\n}\n`,
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TF_CLI_CONFIG_FILE: config,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
  };
  return { root, env, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

export function copyInto(workspace: OfflineWorkspace, source: string, name: string): string {
  const target = join(workspace.root, name);
  // A developer's local .terraform folder must not leak into the check.
  cpSync(source, target, { recursive: true, filter: (path) => !/[\\/]\.terraform([\\/]|$)/.test(path) });
  return target;
}

export function terraform(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): TerraformResult {
  const result = spawnSync('terraform', [`-chdir=${cwd}`, ...args], {
    encoding: 'utf8',
    env,
    timeout: 120_000,
  });
  if (result.error) throw new Error(`terraform ${args.join(' ')} could not run: ${result.error.message}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
