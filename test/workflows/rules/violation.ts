/** A rule broken at one place in a workflow or action file. */
export interface Violation {
  rule: string;
  file: string;
  line: number;
  where: string;
  message: string;
}

export function formatViolation(violation: Violation): string {
  return `${violation.file}:${violation.line} ${violation.where}: ${violation.message} [${violation.rule}]`;
}
