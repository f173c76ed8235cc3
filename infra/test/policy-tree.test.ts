import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { checkTfvarsCidrs } from './policy/access-rules.js';
import {
  expression,
  loadModules,
  namedBlocks,
  parseHcl,
  resources,
  type TfModule,
  terraformBlocks,
} from './policy/hcl.js';
import { formatViolations } from './policy/rule.js';
import { allRules } from './policy/rules.js';
import { infraDir } from './support/paths.js';

let modules: TfModule[];
const moduleAt = (dir: string): TfModule => {
  const found = modules.find((module) => module.dir === dir);
  if (!found) throw new Error(`infra/${dir} holds no .tf files`);
  return found;
};

beforeAll(async () => {
  modules = await loadModules(infraDir);
});

test('the tree has the expected roots and modules', () => {
  expect(modules.map((module) => module.dir).sort()).toEqual([
    'bootstrap',
    'modules/access',
    'modules/cluster',
    'modules/ecr',
    'modules/github-oidc',
    'modules/github-subjects',
    'modules/naming',
    'modules/network',
    'modules/subnets',
    'platform',
  ]);
});

describe.each(allRules.map((rule) => [rule.name, rule] as const))('policy %s', (_name, rule) => {
  test('holds for every module and looked at something', () => {
    const results = modules.map((module) => rule.check(module));
    const violations = results.flatMap((result) => result.violations);
    expect(formatViolations(violations)).toBe('');
    expect(results.flatMap((result) => result.checked).length).toBeGreaterThan(0);
  });
});

test('SSH and the API server are reachable only through the guarded variables', () => {
  const cluster = moduleAt('modules/cluster');
  const byPort = (port: number) =>
    resources(cluster, 'aws_vpc_security_group_ingress_rule').filter(
      (rule) => rule.body.from_port === port && rule.body.cidr_ipv4 !== undefined,
    );
  expect(byPort(22).map((rule) => rule.body.for_each)).toEqual([expression('toset(var.allowed_ssh_cidrs)')]);
  expect(byPort(6443).map((rule) => rule.body.for_each)).toEqual([expression('toset(var.admin_cidrs)')]);
  const platform = moduleAt('platform');
  const clusterCall = namedBlocks(platform, 'module').find((block) => block.name === 'cluster');
  expect(clusterCall?.body.allowed_ssh_cidrs).toBe(expression('module.access.ssh_cidrs'));
  expect(clusterCall?.body.admin_cidrs).toBe(expression('module.access.admin_cidrs'));
});

test('the platform outputs what Ansible and the pipeline read', () => {
  const outputs = namedBlocks(moduleAt('platform'), 'output').map((output) => output.name);
  expect(outputs).toEqual(
    expect.arrayContaining([
      'control_plane_public_ip',
      'control_plane_private_ip',
      'instance_ids',
      'ssh_user',
      'ssh_host_key_command',
      'control_plane',
      'workers',
      'ecr_repository_url',
      'deploy_role_arn',
      'security_group_id',
      'region',
    ]),
  );
});

describe('per-environment files', () => {
  const envsDir = join(infraDir, 'envs');
  const environments = readdirSync(envsDir)
    .filter((file) => file.endsWith('.tfvars'))
    .map((file) => basename(file, '.tfvars'));

  test('dev and prod exist, each with its variables and its backend file', () => {
    expect(environments).toEqual(expect.arrayContaining(['dev', 'prod']));
    const backends = readdirSync(envsDir).filter((file) => file.endsWith('.s3.tfbackend'));
    expect(backends.sort()).toEqual(environments.map((env) => `${env}.s3.tfbackend`).sort());
  });

  test.each(environments)(
    '%s.tfvars names its environment and never opens SSH or the API to the world',
    async (env) => {
      const path = join(envsDir, `${env}.tfvars`);
      const values = await parseHcl(path, readFileSync(path, 'utf8'));
      expect(values.environment).toBe(env);
      expect(checkTfvarsCidrs(`envs/${env}.tfvars`, values)).toEqual([]);
      const subjects = [values.github_environments, values.github_branches].flat().filter(Boolean);
      expect(subjects.length).toBeGreaterThan(0);
    },
  );

  test.each(environments)('%s.s3.tfbackend keeps a separate state key and no credentials', async (env) => {
    const path = join(envsDir, `${env}.s3.tfbackend`);
    const backend = await parseHcl(path, readFileSync(path, 'utf8'));
    expect(backend.key).toBe(`platform/${env}/terraform.tfstate`);
    expect(Object.keys(backend).sort()).toEqual(['bucket', 'key', 'region']);
  });
});

describe.each(['platform', 'bootstrap'])('lock file of %s', (root) => {
  test('locks the pinned aws provider with registry hashes', async () => {
    const path = join(infraDir, root, '.terraform.lock.hcl');
    const lock = await parseHcl(path, readFileSync(path, 'utf8'));
    const [entry] =
      (lock.provider as Record<string, Record<string, unknown>[]>)['registry.terraform.io/hashicorp/aws'] ??
      [];
    const pinned = terraformBlocks(moduleAt(root))
      .map(
        (block) =>
          (block.body.required_providers as Record<string, { version?: string }>[] | undefined)?.[0]?.aws,
      )
      .find(Boolean)?.version;
    expect(entry?.version).toBe(pinned);
    const hashes = entry?.hashes as string[];
    expect(hashes.filter((hash) => /^zh:[0-9a-f]{64}$/.test(hash)).length).toBeGreaterThanOrEqual(10);
    expect(hashes.filter((hash) => /^h1:[A-Za-z0-9+/]{43}=$/.test(hash)).length).toBeGreaterThanOrEqual(1);
    expect(hashes.every((hash) => /^(zh|h1):/.test(hash))).toBe(true);
  });
});
