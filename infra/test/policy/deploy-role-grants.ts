import type { AwsCall } from './action-aws-calls.js';
import { dataSources, expression, nested, stringList, type TfModule, textOf } from './hcl.js';
import { ACTIONS_WITHOUT_RESOURCE_LEVEL } from './iam-rules.js';

/** One action the deploy role's policy allows, on which resources, from which statement. */
export interface Grant {
  action: string;
  resources: string[];
  where: string;
}

/**
 * Calls the actions can make that the deploy role deliberately does not allow: the action then fails
 * with AWS's AccessDenied naming the action, which is the wanted outcome.
 */
export const WITHHELD_ACTIONS: Readonly<Record<string, string>> = {
  'ecr:CreateRepository':
    'Terraform owns the repository (modules/ecr); build-push sends it only when the repository is missing, ' +
    'and a copy made by the pipeline would lack its KMS key and lifecycle policy and block the next apply',
};

/** The one resource each granted action must be limited to. */
export function expectedResource(action: string): string | undefined {
  if (ACTIONS_WITHOUT_RESOURCE_LEVEL.has(action)) return '*';
  if (action.startsWith('ecr:')) return expression('var.ecr_repository_arn');
  if (action === 'ec2:AuthorizeSecurityGroupIngress' || action === 'ec2:RevokeSecurityGroupIngress') {
    return expression('var.security_group_arn');
  }
  return undefined;
}

/** The Allow statements of `data.aws_iam_policy_document.<name>`, one grant per action. */
export function policyGrants(module: TfModule, documentName: string): Grant[] {
  const documents = dataSources(module, 'aws_iam_policy_document').filter(
    (document) => document.name === documentName,
  );
  if (documents.length !== 1) {
    throw new Error(
      `${module.dir} has ${documents.length} aws_iam_policy_document named ${documentName}; expected 1`,
    );
  }
  const [document] = documents;
  return nested(document!.body, 'statement').flatMap((statement, index) => {
    if (statement.effect !== undefined && statement.effect !== 'Allow') return [];
    const where = `${document!.where} statement[${index}] (${textOf(statement.sid)})`;
    const resources = stringList(statement.resources);
    return stringList(statement.actions).map((action) => ({ action, resources, where }));
  });
}

/**
 * What is wrong between the calls the actions make and what the policy grants: a call not granted, a
 * grant on other resources than its one expected ARN, a withheld action granted, a grant nothing uses.
 */
export function deployGrantProblems(grants: readonly Grant[], calls: readonly AwsCall[]): string[] {
  const problems: string[] = [];
  const sentBy = new Map<string, string>();
  for (const call of calls) if (!sentBy.has(call.action)) sentBy.set(call.action, call.where);
  const grantsOf = (action: string) => grants.filter((grant) => grant.action === action);

  for (const [action, where] of [...sentBy].sort(([a], [b]) => a.localeCompare(b))) {
    const withheld = WITHHELD_ACTIONS[action];
    if (withheld !== undefined) {
      if (grantsOf(action).length > 0) problems.push(`${action} must not be granted: ${withheld}`);
      continue;
    }
    const granted = grantsOf(action);
    if (granted.length === 0) {
      problems.push(`${action} (sent by ${where}) is not granted: the action would fail with AccessDenied`);
      continue;
    }
    const expected = expectedResource(action);
    if (expected === undefined) {
      problems.push(`${action} (sent by ${where}) has no known resource to scope it to; add one here`);
      continue;
    }
    for (const grant of granted) {
      if (textOf(grant.resources) !== textOf([expected])) {
        problems.push(
          `${action} is granted on ${textOf(grant.resources)} in ${grant.where}; expected only ${JSON.stringify(expected)}`,
        );
      }
    }
  }
  for (const grant of grants.filter((grant) => !sentBy.has(grant.action))) {
    problems.push(`${grant.action} is granted in ${grant.where} but no action sends it: remove it`);
  }
  return problems;
}
