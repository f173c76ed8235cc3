import type { ParsedFile } from '../steps.js';
import type { Violation } from './violation.js';

export const RULE = 'least-privilege-permissions';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function writeScopes(permissions: unknown): string[] {
  if (permissions === 'write-all') return ['write-all'];
  if (!isRecord(permissions)) return [];
  return Object.entries(permissions)
    .filter(([, level]) => level === 'write')
    .map(([scope]) => scope);
}

/**
 * Without a `permissions` key a job's GITHUB_TOKEN gets the repository's default, which may be write to
 * everything. Every job must get its permissions from the workflow or declare its own; the workflow level
 * grants no write scope, so that only the jobs that need one (and say why) hold it.
 */
export function checkDeclaredPermissions(parsed: ParsedFile): Violation[] {
  if (parsed.file.kind !== 'workflow') return [];
  const violations: Violation[] = [];
  const base = { rule: RULE, file: parsed.file.path, line: 1 };
  const topLevel = parsed.data.permissions;
  const topWrites = writeScopes(topLevel);
  if (topWrites.length > 0) {
    violations.push({
      ...base,
      where: 'permissions',
      message: `the workflow grants ${topWrites.join(', ')} to every job; grant write scopes on the jobs that need them`,
    });
  }
  const jobs = isRecord(parsed.data.jobs) ? parsed.data.jobs : {};
  for (const [id, job] of Object.entries(jobs)) {
    const permissions = isRecord(job) ? job.permissions : undefined;
    if (topLevel === undefined && permissions === undefined) {
      violations.push({
        ...base,
        where: `jobs.${id}`,
        message:
          'has no permissions, so its token gets the repository default; declare them here or on the workflow',
      });
    }
    if (permissions === 'write-all') {
      violations.push({
        ...base,
        where: `jobs.${id}.permissions`,
        message: 'write-all: list the scopes the job needs',
      });
    }
  }
  return violations;
}
