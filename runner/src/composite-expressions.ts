import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import { truthy } from '@actions/expressions/result';

/** The contexts a composite action's expressions can read, as plain JSON. */
export interface ExpressionContexts {
  github: Record<string, unknown>;
  inputs: Record<string, string>;
  steps: Record<string, { outputs: Record<string, string>; outcome: string; conclusion: string }>;
  env: Record<string, string>;
  runner: Record<string, string>;
}

/** Whether the steps so far succeeded, as `success()`, `failure()` and `always()` see it. */
export type JobStatus = 'success' | 'failure';

const CONTEXT_NAMES = ['github', 'inputs', 'steps', 'env', 'runner'];

const STATUS_FUNCTIONS = ['success', 'failure', 'always', 'cancelled'];

function statusFunctions(status: JobStatus): Map<string, FunctionDefinition> {
  const answer = (value: boolean) => () => new data.BooleanData(value);
  const definitions: FunctionDefinition[] = [
    { name: 'success', minArgs: 0, maxArgs: 0, call: answer(status === 'success') },
    { name: 'failure', minArgs: 0, maxArgs: 0, call: answer(status === 'failure') },
    { name: 'always', minArgs: 0, maxArgs: 0, call: answer(true) },
    // Nothing here cancels a run.
    { name: 'cancelled', minArgs: 0, maxArgs: 0, call: answer(false) },
  ];
  return new Map(definitions.map((definition) => [definition.name, definition]));
}

function toExpressionData(contexts: ExpressionContexts): data.Dictionary {
  return JSON.parse(JSON.stringify(contexts), data.reviver) as data.Dictionary;
}

/** Evaluates one expression (the text inside `${{ }}`). Errors name the expression. */
export function evaluateExpression(
  expression: string,
  contexts: ExpressionContexts,
  status: JobStatus = 'success',
): data.ExpressionData {
  try {
    const tokens = new Lexer(expression).lex().tokens;
    const functions = statusFunctions(status);
    const parsed = new Parser(tokens, CONTEXT_NAMES, [...functions.values()]).parse();
    return new Evaluator(parsed, toExpressionData(contexts), functions).evaluate();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot evaluate expression '${expression}': ${reason}`);
  }
}

const TEMPLATE = /\$\{\{(.*?)\}\}/gs;

/**
 * A `with:`/`env:` value: literal text with `${{ }}` expressions replaced by their string values, as the
 * runner does (null becomes '', booleans 'true'/'false').
 */
export function evaluateTemplate(text: string, contexts: ExpressionContexts): string {
  return text.replace(TEMPLATE, (_whole, expression: string) =>
    evaluateExpression(expression.trim(), contexts).coerceString(),
  );
}

function mentionsStatusFunction(expression: string): boolean {
  return new Lexer(expression).lex().tokens.some((token, index, tokens) => {
    const next = tokens[index + 1];
    return STATUS_FUNCTIONS.includes(token.lexeme.toLowerCase()) && next !== undefined && next.lexeme === '(';
  });
}

/**
 * A step's `if:`. Like the runner: `${{ }}` around it is optional, and a condition without a status
 * function means `success() && (condition)`, so later steps are skipped once one failed.
 */
export function evaluateCondition(
  condition: string | undefined,
  contexts: ExpressionContexts,
  status: JobStatus,
): boolean {
  const trimmed = (condition ?? '').trim();
  if (trimmed === '') return status === 'success';
  const whole = /^\$\{\{(.*)\}\}$/s.exec(trimmed);
  const expression = whole ? (whole[1] as string).trim() : trimmed;
  const guarded = mentionsStatusFunction(expression) ? expression : `success() && (${expression})`;
  return truthy(evaluateExpression(guarded, contexts, status));
}
