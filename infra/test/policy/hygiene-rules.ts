import { namedBlocks, nested, resources, type TfModule, terraformBlocks, textOf, usedTypes } from './hcl.js';
import { Findings, type PolicyRule } from './rule.js';

/** Variables whose bad values would do harm, so each declaration of them must validate. */
export const MUST_VALIDATE = [
  'allowed_ssh_cidrs',
  'admin_cidrs',
  'environment',
  'worker_count',
  'vpc_cidr',
  'github_repository',
  'region',
  'aws_account_id',
];

/** Root modules configure a provider; everything else is a child module. */
export const isRootModule = (module: TfModule): boolean => namedBlocks(module, 'provider').length > 0;

export const variablesRule: PolicyRule = {
  name: 'typed-described-variables',
  check(module) {
    const findings = new Findings(this.name);
    for (const variable of namedBlocks(module, 'variable')) {
      findings.saw(variable.where);
      if (typeof variable.body.type !== 'string') findings.fail(variable.where, 'needs a type');
      const description = variable.body.description;
      if (typeof description !== 'string' || description.trim().length < 10) {
        findings.fail(variable.where, 'needs a description of at least a few words');
      }
      if (MUST_VALIDATE.includes(variable.name) && nested(variable.body, 'validation').length === 0) {
        findings.fail(variable.where, 'needs a validation block');
      }
      for (const validation of nested(variable.body, 'validation')) {
        const message = validation.error_message;
        if (typeof message !== 'string' || !message.includes(variable.name)) {
          findings.fail(
            variable.where,
            'validation error_message must name the variable so the user knows what to fix',
          );
        }
      }
    }
    for (const output of namedBlocks(module, 'output')) {
      findings.saw(output.where);
      if (typeof output.body.description !== 'string') findings.fail(output.where, 'needs a description');
    }
    return findings.result();
  },
};

const EXACT_VERSION = /^=?\s*\d+\.\d+\.\d+$/;

function hasLowerAndUpperBound(constraint: string): boolean {
  return /(>=|~>)\s*\d/.test(constraint) && (/<\s*\d/.test(constraint) || /~>/.test(constraint));
}

/** required_version bounded on both sides (>= 1.11: S3-native locking is GA); the AWS provider exact in roots, bounded in modules. */
export const versionsRule: PolicyRule = {
  name: 'pinned-versions',
  check(module) {
    const findings = new Findings(this.name);
    const blocks = terraformBlocks(module);
    const where = blocks[0]?.where ?? module.dir;
    findings.saw(where);
    const requiredVersion = blocks
      .map((block) => block.body.required_version)
      .find((value) => value !== undefined);
    if (typeof requiredVersion !== 'string' || !hasLowerAndUpperBound(requiredVersion)) {
      findings.fail(
        where,
        `required_version must have a lower and an upper bound, found ${textOf(requiredVersion)}`,
      );
    } else {
      const lower = /(?:>=|~>)\s*1\.(\d+)/.exec(requiredVersion);
      if (!lower || Number(lower[1]) < 11) {
        findings.fail(
          where,
          `required_version must require at least 1.11 (S3-native state locking), found ${requiredVersion}`,
        );
      }
    }
    const usesAws =
      usedTypes(module).some((type) => type.startsWith('aws_')) ||
      namedBlocks(module, 'provider').some((provider) => provider.name === 'aws');
    const aws = blocks
      .flatMap((block) => nested(block.body, 'required_providers'))
      .map((providers) => providers.aws)[0] as Record<string, unknown> | undefined;
    if (!usesAws) {
      if (aws) findings.fail(where, 'declares the aws provider without using it');
      return findings.result();
    }
    if (aws?.source !== 'hashicorp/aws' || typeof aws.version !== 'string') {
      findings.fail(where, 'must declare required_providers.aws with source "hashicorp/aws" and a version');
      return findings.result();
    }
    const constraint = aws.version;
    if (isRootModule(module) ? !EXACT_VERSION.test(constraint) : !hasLowerAndUpperBound(constraint)) {
      findings.fail(
        where,
        isRootModule(module)
          ? `a root module must pin the aws provider to one exact version, found "${constraint}"`
          : `a child module must bound the aws provider on both sides, found "${constraint}"`,
      );
    }
    return findings.result();
  },
};

/** Every root tags everything through default_tags built by the naming module (cost tags). */
export const defaultTagsRule: PolicyRule = {
  name: 'default-cost-tags',
  check(module) {
    const findings = new Findings(this.name);
    for (const provider of namedBlocks(module, 'provider').filter((block) => block.name === 'aws')) {
      findings.saw(provider.where);
      const tags = nested(provider.body, 'default_tags')[0]?.tags;
      if (!textOf(tags).includes('module.naming.tags')) {
        findings.fail(
          provider.where,
          'needs default_tags { tags = module.naming.tags } so every resource carries the cost tags',
        );
      }
      if (!('allowed_account_ids' in provider.body)) {
        findings.fail(
          provider.where,
          'should set allowed_account_ids so the wrong credentials cannot touch another account',
        );
      }
    }
    return findings.result();
  },
};

/**
 * State lives in S3 with S3-native locking and encryption; only the bootstrap (which creates that bucket)
 * keeps local state.
 */
export const remoteStateRule: PolicyRule = {
  name: 'remote-state',
  check(module) {
    const findings = new Findings(this.name);
    if (!isRootModule(module)) return findings.result();
    const where = terraformBlocks(module)[0]?.where ?? module.dir;
    findings.saw(where);
    const backends = terraformBlocks(module).flatMap((block) => Object.entries(block.body.backend ?? {}));
    const createsStateBucket = resources(module, 'aws_s3_bucket').length > 0;
    if (backends.length === 0) {
      if (!createsStateBucket)
        findings.fail(where, 'a root module needs an S3 backend (only the bootstrap keeps local state)');
      return findings.result();
    }
    for (const [kind, bodies] of backends) {
      const body = (bodies as Record<string, unknown>[])[0] ?? {};
      if (kind !== 's3') findings.fail(where, `backend must be s3, found ${kind}`);
      if (body.use_lockfile !== true) findings.fail(where, 'the s3 backend must set use_lockfile = true');
      if (body.encrypt !== true) findings.fail(where, 'the s3 backend must set encrypt = true');
      if ('dynamodb_table' in body)
        findings.fail(where, 'use S3-native locking (use_lockfile), not a DynamoDB table');
      for (const key of ['bucket', 'key', 'access_key', 'secret_key']) {
        if (key in body)
          findings.fail(where, `keep ${key} out of the backend block: it belongs in envs/ENV.s3.tfbackend`);
      }
    }
    return findings.result();
  },
};
