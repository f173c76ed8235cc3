import type { ParsedFile } from '../steps.js';
import { checkDeclaredPermissions } from './declared-permissions.js';
import { checkPinnedUses } from './pinned-uses.js';
import { checkUntrustedInterpolation } from './untrusted-interpolation.js';
import type { Violation } from './violation.js';

export type { Violation } from './violation.js';
export { formatViolation } from './violation.js';

/** Every rule, each a pure function of a parsed workflow or action file. */
export const RULES: ReadonlyArray<(parsed: ParsedFile) => Violation[]> = [
  checkUntrustedInterpolation,
  checkPinnedUses,
  checkDeclaredPermissions,
];
