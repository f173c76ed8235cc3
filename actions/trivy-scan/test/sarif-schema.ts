import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Where scripts/fetch-sarif-schema.sh puts the OASIS SARIF 2.1.0 JSON schema (from the serde-sarif crate). */
export const sarifSchemaPath = join(repoRoot, '.cache', 'sarif', 'sarif-schema-2.1.0.json');

export type SarifValidator = (sarif: unknown) => string[];

function describe(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(root)' : error.instancePath;
  return `${where} ${error.message ?? error.keyword} ${JSON.stringify(error.params)}`;
}

/**
 * A validator for SARIF 2.1.0 that returns every schema violation as a line (none: valid). A missing
 * schema throws with the command that fetches it: a test that cannot check must fail, never pass.
 */
export function loadSarifValidator(schemaPath: string = sarifSchemaPath): SarifValidator {
  if (!existsSync(schemaPath)) {
    throw new Error(
      `The SARIF 2.1.0 schema is missing at ${schemaPath}: run \`bash scripts/fetch-sarif-schema.sh\` ` +
        `(scripts/bootstrap.sh runs it) from ${relative(process.cwd(), repoRoot) || '.'}`,
    );
  }
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as object;
  // unicodeRegExp: false because the schema's language-tag pattern, `^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`,
  // has a lone `]`, which a regular expression in unicode mode (`u`, ajv's default) refuses to compile.
  // strictRequired: false because its `anyOf` branches require properties that the enclosing object
  // declares (valid JSON Schema, which ajv's strict mode flags as a likely mistake); the rest stays strict.
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, unicodeRegExp: false });
  formats.default(ajv);
  const validate: ValidateFunction = ajv.compile(schema);
  return (sarif) => (validate(sarif) ? [] : (validate.errors ?? []).map(describe));
}
