import { guardedCidrVariablesRule } from './access-rules.js';
import {
  encryptedVolumesRule,
  imdsV2Rule,
  nodeIdentityRule,
  nodesKeptOnChangeRule,
  ubuntuImageRule,
} from './compute-rules.js';
import { defaultTagsRule, remoteStateRule, variablesRule, versionsRule } from './hygiene-rules.js';
import { githubOidcTrustRule, leastPrivilegeRule, noStaticCredentialsRule } from './iam-rules.js';
import { explicitEgressRule, securityGroupIngressRule } from './network-rules.js';
import type { PolicyRule } from './rule.js';
import { ecrRepositoryRule, s3BucketRule } from './storage-rules.js';

/** Every rule the infra/ tree must satisfy. */
export const allRules: readonly PolicyRule[] = [
  securityGroupIngressRule,
  explicitEgressRule,
  guardedCidrVariablesRule,
  imdsV2Rule,
  encryptedVolumesRule,
  ubuntuImageRule,
  nodeIdentityRule,
  nodesKeptOnChangeRule,
  ecrRepositoryRule,
  s3BucketRule,
  githubOidcTrustRule,
  leastPrivilegeRule,
  noStaticCredentialsRule,
  variablesRule,
  versionsRule,
  defaultTagsRule,
  remoteStateRule,
];
