import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { infraDir } from './support/paths.js';
import {
  copyInto,
  type OfflineWorkspace,
  offlineWorkspace,
  requireTerraform,
  terraform,
} from './support/terraform.js';

/** Modules of pure logic: no provider, so `terraform test` runs them here for real. */
const PROVIDER_LESS_MODULES = ['naming', 'subnets', 'access', 'github-subjects'];
const ROOT_MODULES = ['platform', 'bootstrap'];

let workspace: OfflineWorkspace;

beforeAll(() => {
  requireTerraform();
  workspace = offlineWorkspace('k8s-ship-infra');
});

afterAll(() => workspace?.dispose());

describe('terraform fmt', () => {
  test('every file under infra/ is formatted canonically', () => {
    const result = terraform(['fmt', '-check', '-recursive', '-diff', '.'], infraDir, workspace.env);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });

  test('fmt -check fails on a misformatted file (the check can fail)', () => {
    const dir = copyInto(workspace, join(infraDir, 'modules', 'naming'), 'fmt-negative');
    writeFileSync(join(dir, 'bad.tf'), 'locals {\nx=1\n    yy   =  2\n}\n');
    const result = terraform(['fmt', '-check', '-recursive', '.'], dir, workspace.env);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('bad.tf');
  });
});

describe.each(PROVIDER_LESS_MODULES)('provider-less module %s', (name) => {
  let dir: string;

  beforeAll(() => {
    dir = copyInto(workspace, join(infraDir, 'modules', name), `module-${name}`);
  });

  test('initialises without downloading any provider', () => {
    const init = terraform(['init', '-backend=false', '-input=false', '-no-color'], dir, workspace.env);
    expect(init.output).toContain('successfully initialized');
    expect(init.status).toBe(0);
    expect(existsSync(join(dir, '.terraform', 'providers'))).toBe(false);
    expect(existsSync(join(dir, '.terraform.lock.hcl'))).toBe(false);
  });

  test('passes its terraform test runs', () => {
    const runs = readdirSync(join(dir, 'tests'))
      .filter((file) => file.endsWith('.tftest.hcl'))
      .flatMap((file) => readFileSync(join(dir, 'tests', file), 'utf8').match(/^run "/gm) ?? []);
    expect(runs.length).toBeGreaterThan(0);
    const result = terraform(['test', '-no-color'], dir, workspace.env);
    expect(result.output).toContain(`Success! ${runs.length} passed, 0 failed.`);
    expect(result.status).toBe(0);
  });
});

test('terraform test reports a failing assertion (the provider-less runs can fail)', () => {
  const dir = copyInto(workspace, join(infraDir, 'modules', 'naming'), 'tftest-negative');
  writeFileSync(
    join(dir, 'tests', 'wrong.tftest.hcl'),
    [
      'variables {',
      '  project     = "k8s-ship"',
      '  environment = "dev"',
      '  owner       = "o"',
      '  cost_center = "c"',
      '  repository  = "a/b"',
      '}',
      'run "wrong_expectation" {',
      '  command = plan',
      '  assert {',
      '    condition     = output.name_prefix == "something-else"',
      '    error_message = "deliberately wrong"',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  expect(terraform(['init', '-backend=false', '-input=false', '-no-color'], dir, workspace.env).status).toBe(
    0,
  );
  const result = terraform(['test', '-no-color', '-filter=tests/wrong.tftest.hcl'], dir, workspace.env);
  expect(result.status).not.toBe(0);
  expect(result.output).toContain('deliberately wrong');
});

describe.each(ROOT_MODULES)('root module %s', (name) => {
  test('terraform init accepts the committed lock file and only then needs the provider download', () => {
    const copy = copyInto(workspace, infraDir, `lock-${name}`);
    const result = terraform(
      ['init', '-backend=false', '-input=false', '-no-color'],
      join(copy, name),
      workspace.env,
    );
    // Modules resolve and the lock file is read and matches the constraints; the one failure left is
    // that the empty mirror has no provider package, which a machine with registry access would fetch.
    expect(result.output).toContain(
      'Reusing previous version of hashicorp/aws from the dependency lock file',
    );
    expect(result.output).toContain('provider registry.terraform.io/hashicorp/aws was not found');
    expect(result.output).not.toMatch(
      /Invalid provider version constraints|does not match|Unsupported argument/,
    );
  });
});

test('terraform init rejects a lock file whose version contradicts the pin (the lock check can fail)', () => {
  const copy = copyInto(workspace, infraDir, 'lock-negative');
  const lockPath = join(copy, 'bootstrap', '.terraform.lock.hcl');
  writeFileSync(
    lockPath,
    readFileSync(lockPath, 'utf8').replace('version     = "6.25.0"', 'version     = "6.24.0"'),
  );
  const result = terraform(
    ['init', '-backend=false', '-input=false', '-no-color'],
    join(copy, 'bootstrap'),
    workspace.env,
  );
  expect(result.status).not.toBe(0);
  expect(result.output).toMatch(
    /locked provider registry\.terraform\.io\/hashicorp\/aws 6\.24\.0 does not match\s+configured version constraint 6\.25\.0/,
  );
});
