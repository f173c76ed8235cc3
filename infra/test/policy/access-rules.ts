import { expression, namedBlocks, nested, type TfModule, textOf } from './hcl.js';
import { isWorldCidr } from './network-rules.js';
import { Findings, type PolicyRule } from './rule.js';

/** Variables that decide who reaches SSH and the API server. */
export const GUARDED_CIDR_VARIABLES = ['allowed_ssh_cidrs', 'admin_cidrs'] as const;

/** The CIDR variables: required (no default) and validated against 0.0.0.0/0 and ::/0. */
export const guardedCidrVariablesRule: PolicyRule = {
  name: 'guarded-cidr-variables',
  check(module: TfModule) {
    const findings = new Findings(this.name);
    for (const variable of namedBlocks(module, 'variable')) {
      if (!(GUARDED_CIDR_VARIABLES as readonly string[]).includes(variable.name)) continue;
      findings.saw(variable.where);
      if ('default' in variable.body) {
        findings.fail(variable.where, 'must have no default: every stack states its own ranges');
      }
      if (variable.body.type !== expression('list(string)')) {
        findings.fail(variable.where, `must be list(string), found ${textOf(variable.body.type)}`);
      }
      const conditions = nested(variable.body, 'validation').map((validation) =>
        textOf(validation.condition),
      );
      if (!conditions.some((condition) => condition.includes('0.0.0.0/0') && condition.includes('::/0'))) {
        findings.fail(variable.where, 'needs a validation that rejects both 0.0.0.0/0 and ::/0');
      }
    }
    return findings.result();
  },
};

/** Checks the values an environment's tfvars file gives to the guarded variables. */
export function checkTfvarsCidrs(where: string, values: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const name of GUARDED_CIDR_VARIABLES) {
    const value = values[name];
    if (!Array.isArray(value)) {
      problems.push(`${where}: ${name} must be set to a list of CIDRs`);
      continue;
    }
    for (const cidr of value) {
      if (typeof cidr !== 'string' || isWorldCidr(cidr)) {
        problems.push(
          `${where}: ${name} contains ${JSON.stringify(cidr)}, which opens it to the whole internet`,
        );
      }
    }
  }
  return problems;
}
