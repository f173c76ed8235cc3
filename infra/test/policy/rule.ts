import type { TfModule } from './hcl.js';

export interface Violation {
  rule: string;
  where: string;
  message: string;
}

/** What a rule looked at (so a test can see it was not vacuous) and what it found wrong. */
export interface RuleResult {
  checked: string[];
  violations: Violation[];
}

export interface PolicyRule {
  name: string;
  check(module: TfModule): RuleResult;
}

/** Small accumulator so every rule reports in the same shape. */
export class Findings {
  readonly checked: string[] = [];
  readonly violations: Violation[] = [];

  constructor(private readonly rule: string) {}

  saw(where: string): void {
    this.checked.push(where);
  }

  fail(where: string, message: string): void {
    this.violations.push({ rule: this.rule, where, message });
  }

  result(): RuleResult {
    return { checked: this.checked, violations: this.violations };
  }
}

export function formatViolations(violations: readonly Violation[]): string {
  return violations
    .map((violation) => `[${violation.rule}] ${violation.where}: ${violation.message}`)
    .join('\n');
}
