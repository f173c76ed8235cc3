import { type Block, dataSources, nested, resources, stringList, type TfModule, textOf } from './hcl.js';
import { Findings, type PolicyRule } from './rule.js';

const ENCRYPTION_TYPES = new Set(['KMS', 'AES256', 'aws:kms', 'aws:kms:dsse']);

const references = (block: Block, attribute: string, target: string): boolean =>
  textOf(block.body[attribute]).includes(target);

/** ECR: immutable tags, scan on push, explicit encryption, and a lifecycle policy. */
export const ecrRepositoryRule: PolicyRule = {
  name: 'ecr-repository',
  check(module) {
    const findings = new Findings(this.name);
    for (const repository of resources(module, 'aws_ecr_repository')) {
      findings.saw(repository.where);
      if (repository.body.image_tag_mutability !== 'IMMUTABLE') {
        findings.fail(repository.where, 'image_tag_mutability must be "IMMUTABLE"');
      }
      if (nested(repository.body, 'image_scanning_configuration')[0]?.scan_on_push !== true) {
        findings.fail(repository.where, 'image_scanning_configuration.scan_on_push must be true');
      }
      const encryption = nested(repository.body, 'encryption_configuration')[0];
      if (!encryption || !ENCRYPTION_TYPES.has(String(encryption.encryption_type))) {
        findings.fail(repository.where, 'needs encryption_configuration with encryption_type KMS or AES256');
      }
      const target = `aws_ecr_repository.${repository.name}.`;
      if (
        !resources(module, 'aws_ecr_lifecycle_policy').some((policy) =>
          references(policy, 'repository', target),
        )
      ) {
        findings.fail(repository.where, 'needs an aws_ecr_lifecycle_policy for this repository');
      }
    }
    return findings.result();
  },
};

function denyInsecureTransport(module: TfModule): boolean {
  return dataSources(module, 'aws_iam_policy_document').some((document) =>
    nested(document.body, 'statement').some(
      (statement) =>
        statement.effect === 'Deny' &&
        nested(statement, 'condition').some(
          (condition) =>
            condition.variable === 'aws:SecureTransport' && stringList(condition.values).includes('false'),
        ),
    ),
  );
}

/** S3 buckets (the state bucket): versioned, encrypted, never public, TLS only. */
export const s3BucketRule: PolicyRule = {
  name: 's3-bucket',
  check(module) {
    const findings = new Findings(this.name);
    for (const bucket of resources(module, 'aws_s3_bucket')) {
      findings.saw(bucket.where);
      const target = `aws_s3_bucket.${bucket.name}.`;
      const forBucket = (type: string) =>
        resources(module, type).filter((block) => references(block, 'bucket', target));

      const versioned = forBucket('aws_s3_bucket_versioning').some(
        (block) => nested(block.body, 'versioning_configuration')[0]?.status === 'Enabled',
      );
      if (!versioned) findings.fail(bucket.where, 'needs aws_s3_bucket_versioning with status "Enabled"');

      const encrypted = forBucket('aws_s3_bucket_server_side_encryption_configuration').some((block) =>
        nested(block.body, 'rule').some((rule) =>
          nested(rule, 'apply_server_side_encryption_by_default').some((sse) =>
            ENCRYPTION_TYPES.has(String(sse.sse_algorithm)),
          ),
        ),
      );
      if (!encrypted) findings.fail(bucket.where, 'needs default encryption (aws:kms or AES256)');

      const blocked = forBucket('aws_s3_bucket_public_access_block').some((block) =>
        ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'].every(
          (setting) => block.body[setting] === true,
        ),
      );
      if (!blocked) findings.fail(bucket.where, 'needs a public access block with all four settings true');

      const policies = forBucket('aws_s3_bucket_policy');
      if (policies.length === 0 || !denyInsecureTransport(module)) {
        findings.fail(
          bucket.where,
          'needs a bucket policy that denies requests with aws:SecureTransport = false',
        );
      }
    }
    return findings.result();
  },
};
