import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { repoRoot } from '../../runner/src/paths.js';

/** An IAM policy document as AWS stores it. */
export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: {
    Sid?: string;
    Effect: 'Allow' | 'Deny';
    Action: string | string[];
    Resource: string | string[];
  }[];
}

interface HclStatement {
  sid?: string;
  effect?: string;
  actions?: string[];
  resources?: string[];
  condition?: unknown;
  not_actions?: unknown;
  not_resources?: unknown;
  principals?: unknown;
}

/** One value or a sorted list, as the AWS provider renders an aws_iam_policy_document's sets. */
const setValue = (values: string[]): string | string[] =>
  values.length === 1 ? (values[0] as string) : [...values].sort();

/**
 * The deploy role's policy as Terraform would send it: `data.aws_iam_policy_document.deploy` of
 * infra/modules/github-oidc, read with @cdktf/hcl2json (the AWS provider cannot be downloaded here, so
 * Terraform cannot render it), with its variables replaced by `variables` (e.g. `ecr_repository_arn`).
 * Only what that document uses is supported; anything else (conditions, principals, a variable not
 * given, another expression) is an error rather than a policy rendered wrong.
 */
export async function renderDeployPolicy(variables: Record<string, string>): Promise<PolicyDocument> {
  const path = join(repoRoot, 'infra', 'modules', 'github-oidc', 'main.tf');
  const hcl = (await parse(path, readFileSync(path, 'utf8'))) as {
    data?: { aws_iam_policy_document?: { deploy?: { statement?: HclStatement[] }[] } };
  };
  const statements = hcl.data?.aws_iam_policy_document?.deploy?.[0]?.statement;
  if (!statements) throw new Error(`${path} has no data.aws_iam_policy_document.deploy with statements`);
  const resolve = (value: string): string =>
    value.replace(/\$\{([^}]*)\}/g, (_, expression: string) => {
      const name = /^var\.(\w+)$/.exec(expression.trim())?.[1];
      const resolved = name === undefined ? undefined : variables[name];
      if (resolved === undefined) throw new Error(`cannot render \${${expression}} in the deploy policy`);
      return resolved;
    });
  return {
    Version: '2012-10-17',
    Statement: statements.map((statement) => {
      for (const unsupported of ['condition', 'not_actions', 'not_resources', 'principals'] as const) {
        if (statement[unsupported] !== undefined)
          throw new Error(
            `statement ${statement.sid ?? '?'} uses ${unsupported}, which this renderer does not`,
          );
      }
      return {
        ...(statement.sid !== undefined && { Sid: statement.sid }),
        Effect: statement.effect === 'Deny' ? 'Deny' : 'Allow',
        Action: setValue(statement.actions ?? []),
        Resource: setValue((statement.resources ?? []).map(resolve)),
      };
    }),
  };
}

/**
 * The same policy with every Resource widened to "*": what moto can evaluate. moto's ECR and EC2
 * handlers ask IAM about the resource "*" for every call, so a statement scoped to an ARN never matches
 * there; with the resources widened, moto checks the actions (and signatures) exactly, the resources not at all.
 */
export function actionsOnly(policy: PolicyDocument): PolicyDocument {
  return { ...policy, Statement: policy.Statement.map((statement) => ({ ...statement, Resource: '*' })) };
}
