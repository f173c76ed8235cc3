import type { ParsedFile } from '../steps.js';
import type { Violation } from './violation.js';

export const RULE = 'third-party-actions-pinned-by-sha';

const PINNED = /^[\w.-]+\/[\w.-]+(\/[^@\s]+)?@[0-9a-f]{40}$/;
const PINNED_IMAGE = /^docker:\/\/[^@\s]+@sha256:[0-9a-f]{64}$/;
const VERSION_COMMENT = /#\s*v?\d+(\.\d+){0,2}\b/;

/**
 * Tags and branches move, so an action used by tag runs whatever its owner (or an attacker holding the
 * owner's token) pushes next. Third-party actions and reusable workflows are pinned by full commit SHA,
 * with the release in a trailing `# vX.Y.Z` comment so that people and update bots can read it.
 */
export function checkPinnedUses(parsed: ParsedFile): Violation[] {
  const violations: Violation[] = [];
  for (const step of parsed.steps) {
    const uses = step.uses;
    if (uses === undefined || uses.startsWith('./')) continue;
    const base = { rule: RULE, file: step.file, line: step.line, where: `${step.where}.uses` };
    if (uses.startsWith('docker://')) {
      if (!PINNED_IMAGE.test(uses)) {
        violations.push({
          ...base,
          message: `'${uses}' must pin the image by digest (docker://image@sha256:…)`,
        });
      }
    } else if (!PINNED.test(uses)) {
      violations.push({
        ...base,
        message: `'${uses}' must be pinned by a full 40-character commit SHA, e.g. owner/repo@<sha> # v1.2.3`,
      });
    } else if (!VERSION_COMMENT.test(step.sourceLine)) {
      violations.push({
        ...base,
        message: `'${uses}' needs a trailing '# vX.Y.Z' comment naming the release`,
      });
    }
  }
  return violations;
}
