import {
  dataSources,
  type HclBody,
  isExpression,
  namedBlocks,
  nested,
  resources,
  stringList,
  type TfModule,
  textOf,
} from './hcl.js';
import { Findings, type PolicyRule } from './rule.js';

const GITHUB_AUDIENCE = 'token.actions.githubusercontent.com:aud';
const GITHUB_SUBJECT = 'token.actions.githubusercontent.com:sub';

/** The only actions that may be granted on "*": AWS offers no resource-level permission for them. */
export const ACTIONS_WITHOUT_RESOURCE_LEVEL: ReadonlySet<string> = new Set([
  'ecr:GetAuthorizationToken',
  'ec2:DescribeInstances',
]);

interface Statement {
  where: string;
  body: HclBody;
}

function statements(module: TfModule): Statement[] {
  return dataSources(module, 'aws_iam_policy_document').flatMap((document) =>
    nested(document.body, 'statement').map((body, index) => ({
      where: `${document.where} statement[${index}]`,
      body,
    })),
  );
}

const isAllow = (statement: HclBody): boolean =>
  statement.effect === undefined || statement.effect === 'Allow';

/** A literal subject must name one repository: "repo:OWNER/REPO:…", no wildcard before the context. */
function subjectProblem(subject: string, test: string): string | undefined {
  const match = /^repo:([^/:]+)\/([^/:]+):(.+)$/.exec(subject);
  if (!match) return `subject ${JSON.stringify(subject)} must look like repo:OWNER/REPO:environment:NAME`;
  const [, owner = '', repo = '', context = ''] = match;
  if (owner.includes('*') || repo.includes('*'))
    return `subject ${JSON.stringify(subject)} must not wildcard the repository`;
  if (!/^(environment:|ref:refs\/heads\/|ref:refs\/tags\/|pull_request$)/.test(context)) {
    return `subject ${JSON.stringify(subject)} must limit the context to an environment or branch`;
  }
  if (context.startsWith('environment:') && context.includes('*')) {
    return `subject ${JSON.stringify(subject)} must name environments exactly`;
  }
  if (test === 'StringEquals' && subject.includes('*')) {
    return `subject ${JSON.stringify(subject)} has a wildcard, which StringEquals never matches: use StringLike`;
  }
  return undefined;
}

/**
 * Web-identity trust: audience pinned to sts.amazonaws.com with StringEquals, and the subject limited to
 * this repository's environments or branches, either literally or through the tested github-subjects module.
 */
export const githubOidcTrustRule: PolicyRule = {
  name: 'github-oidc-trust',
  check(module) {
    const findings = new Findings(this.name);
    for (const { where, body } of statements(module)) {
      if (!stringList(body.actions).includes('sts:AssumeRoleWithWebIdentity')) continue;
      findings.saw(where);
      const conditions = nested(body, 'condition');
      const audience = conditions.filter((condition) => condition.variable === GITHUB_AUDIENCE);
      if (
        audience.length !== 1 ||
        audience[0]?.test !== 'StringEquals' ||
        textOf(stringList(audience[0]?.values)) !== '["sts.amazonaws.com"]'
      ) {
        findings.fail(
          where,
          `needs exactly one StringEquals condition on ${GITHUB_AUDIENCE} with ["sts.amazonaws.com"]`,
        );
      }
      const subject = conditions.filter((condition) => condition.variable === GITHUB_SUBJECT);
      if (subject.length !== 1 || !subject[0]) {
        findings.fail(
          where,
          `needs exactly one condition on ${GITHUB_SUBJECT}: without it any repository can assume the role`,
        );
        continue;
      }
      const { test, values } = subject[0];
      if (isExpression(values)) {
        if (
          !values.includes('module.subjects.subjects') ||
          !textOf(test).includes('module.subjects.condition_test')
        ) {
          findings.fail(
            where,
            'computed subjects must come from the github-subjects module (values and test)',
          );
        }
        continue;
      }
      if (test !== 'StringEquals' && test !== 'StringLike') {
        findings.fail(where, `subject condition must use StringEquals or StringLike, found ${textOf(test)}`);
      }
      const literals = stringList(values);
      if (literals.length === 0) findings.fail(where, 'subject condition lists no subject');
      for (const value of literals) {
        const problem = subjectProblem(value, String(test));
        if (problem) findings.fail(where, problem);
      }
    }
    for (const role of resources(module, 'aws_iam_role')) {
      if (!textOf(role.body.assume_role_policy).includes('data.aws_iam_policy_document.')) {
        findings.fail(
          role.where,
          'assume_role_policy must come from an aws_iam_policy_document so that it can be checked',
        );
      }
    }
    return findings.result();
  },
};

/** Allow statements: no wildcard actions, and "*" resources only for actions that cannot be scoped. */
export const leastPrivilegeRule: PolicyRule = {
  name: 'least-privilege-policies',
  check(module) {
    const findings = new Findings(this.name);
    for (const { where, body } of statements(module)) {
      if (!isAllow(body)) continue;
      findings.saw(where);
      const actions = stringList(body.actions);
      for (const action of actions.filter((name) => name.includes('*'))) {
        findings.fail(where, `allows the wildcard action ${JSON.stringify(action)}`);
      }
      if (body.not_actions !== undefined || body.not_resources !== undefined) {
        findings.fail(where, 'must not use not_actions or not_resources in an Allow statement');
      }
      if (stringList(body.resources).includes('*')) {
        const unscoped = actions.filter((action) => !ACTIONS_WITHOUT_RESOURCE_LEVEL.has(action));
        if (unscoped.length > 0) {
          findings.fail(where, `grants ${unscoped.join(', ')} on "*"; scope them to specific resource ARNs`);
        }
      }
      if (textOf(nested(body, 'principals').map((principal) => principal.identifiers)).includes('"*"')) {
        findings.fail(where, 'must not allow every principal');
      }
    }
    return findings.result();
  },
};

const STATIC_KEY_RESOURCES = ['aws_iam_access_key', 'aws_iam_user', 'aws_iam_user_login_profile'];
const STATIC_KEY_ATTRIBUTES = ['access_key', 'secret_key', 'token', 'shared_credentials_files', 'profile'];

/** No long-lived credentials: no IAM users or access keys, nothing credential-like in providers or variables. */
export const noStaticCredentialsRule: PolicyRule = {
  name: 'no-static-credentials',
  check(module) {
    const findings = new Findings(this.name);
    for (const type of STATIC_KEY_RESOURCES) {
      for (const block of resources(module, type)) {
        findings.fail(
          block.where,
          `${type} creates long-lived credentials; use the GitHub OIDC role instead`,
        );
      }
    }
    for (const provider of namedBlocks(module, 'provider')) {
      findings.saw(provider.where);
      for (const attribute of STATIC_KEY_ATTRIBUTES.filter((name) => name in provider.body)) {
        findings.fail(provider.where, `must not set ${attribute}: credentials come from the environment`);
      }
    }
    for (const variable of namedBlocks(module, 'variable')) {
      findings.saw(variable.where);
      if (/(secret|access)_key|password/i.test(variable.name)) {
        findings.fail(
          variable.where,
          'looks like a credential variable; pass credentials through the environment',
        );
      }
    }
    return findings.result();
  },
};
