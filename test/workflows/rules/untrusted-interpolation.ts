import { Lexer } from '@actions/expressions';
import { type Token, TokenType } from '@actions/expressions/lexer';
import type { ParsedFile } from '../steps.js';
import type { Violation } from './violation.js';

export const RULE = 'no-untrusted-interpolation-in-run';

/**
 * What a script may interpolate with `${{ }}`: values GitHub or the runner fix, never text a user, a
 * branch name, an event, an input or another step (which may have copied any of those) controls. Scripts
 * get everything else through `env:` and read it as "$VAR", where the shell cannot run it as code.
 */
const TRUSTED = [
  'github.sha',
  'github.run_id',
  'github.run_number',
  'github.run_attempt',
  'github.repository',
  'github.repository_id',
  'github.workspace',
  'github.action_path',
  'github.server_url',
  'github.api_url',
  'github.event_name',
  'github.job',
  'github.workflow_sha',
  'job.status',
  'runner',
  'strategy',
];

function isTrusted(reference: string): boolean {
  const path = reference.toLowerCase();
  return TRUSTED.some((entry) => path === entry || path.startsWith(`${entry}.`));
}

/** The context paths an expression reads, e.g. `github.event.pull_request.title`, `steps.x.outputs.y`. */
export function contextReferences(expression: string): string[] {
  const tokens = new Lexer(expression).lex().tokens;
  const references: string[] = [];
  const at = (i: number): Token | undefined => tokens[i];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (token.type !== TokenType.IDENTIFIER) continue;
    if (at(i - 1)?.type === TokenType.DOT) continue;
    if (at(i + 1)?.type === TokenType.LEFT_PAREN) continue; // a function name
    const parts = [token.lexeme];
    let j = i + 1;
    for (;;) {
      const next = at(j);
      const after = at(j + 1);
      if (
        next?.type === TokenType.DOT &&
        (after?.type === TokenType.IDENTIFIER || after?.type === TokenType.STAR)
      ) {
        parts.push(after.lexeme);
        j += 2;
      } else if (
        next?.type === TokenType.LEFT_BRACKET &&
        after?.type === TokenType.STRING &&
        at(j + 2)?.type === TokenType.RIGHT_BRACKET
      ) {
        parts.push(String(after.value));
        j += 3;
      } else if (next?.type === TokenType.LEFT_BRACKET) {
        parts.push('*'); // a computed index could be anything
        break;
      } else {
        break;
      }
    }
    references.push(parts.join('.'));
  }
  return references;
}

const EXPRESSION = /\$\{\{(.*?)\}\}/gs;

/** Every `${{ }}` in a `run:` (or github-script `script:`) that reads anything but the trusted values. */
export function checkUntrustedInterpolation(parsed: ParsedFile): Violation[] {
  const violations: Violation[] = [];
  for (const step of parsed.steps) {
    for (const [field, code] of [
      ['run', step.run],
      ['with.script', step.script],
    ] as const) {
      if (code === undefined) continue;
      for (const match of code.matchAll(EXPRESSION)) {
        const expression = (match[1] as string).trim();
        const untrusted = contextReferences(expression).filter((reference) => !isTrusted(reference));
        if (untrusted.length === 0) continue;
        violations.push({
          rule: RULE,
          file: step.file,
          line: step.line,
          where: `${step.where}.${field}`,
          message:
            `interpolates \${{ ${expression} }}, which reads ${untrusted.join(', ')}: a value like that can ` +
            'inject shell code; pass it through env: and use "$NAME" in the script',
        });
      }
    }
  }
  return violations;
}
