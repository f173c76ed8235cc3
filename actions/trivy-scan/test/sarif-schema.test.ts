import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { fixturesDir } from './fixtures.js';
import { loadSarifValidator, sarifSchemaPath } from './sarif-schema.js';

/** The parts of a SARIF log these tests break; the rest is carried along untyped. */
interface SarifLog {
  version: string;
  severity?: string;
  runs: [{ tool?: { driver: { rules: [{ helpUri: string }] } }; results: [{ level: string }] }];
}

const trivySarif = (): SarifLog => JSON.parse(readFileSync(join(fixturesDir, 'alpine-310.sarif'), 'utf8'));

describe('the OASIS SARIF 2.1.0 schema check', () => {
  const sarifErrors = loadSarifValidator();

  test("Trivy's own SARIF (the fixture the action's SARIF path takes) is valid: zero errors", () => {
    const sarif = trivySarif();
    expect(sarif.runs[0].results).toHaveLength(4);
    expect(sarifErrors(sarif)).toEqual([]);
  });

  test.each<[string, (sarif: SarifLog) => void, string]>([
    [
      'another SARIF version',
      (sarif) => {
        sarif.version = '2.0.0';
      },
      '/version must be equal to one of the allowed values',
    ],
    [
      'a run without its tool',
      (sarif) => {
        delete sarif.runs[0].tool;
      },
      "/runs/0 must have required property 'tool'",
    ],
    [
      'a result level SARIF does not have',
      (sarif) => {
        sarif.runs[0].results[0].level = 'critical';
      },
      '/runs/0/results/0/level must be equal to one of the allowed values',
    ],
    [
      'a property the format does not define',
      (sarif) => {
        sarif.severity = 'HIGH';
      },
      '(root) must NOT have additional properties {"additionalProperty":"severity"}',
    ],
    [
      'a rule help URI that is not a URI',
      (sarif) => {
        const rules = sarif.runs[0].tool?.driver.rules;
        if (rules) rules[0].helpUri = 'not a uri';
      },
      '/runs/0/tool/driver/rules/0/helpUri must match format "uri"',
    ],
  ])('a broken SARIF fails: %s', (_what, breakIt, expected) => {
    const sarif = trivySarif();
    breakIt(sarif);
    const errors = sarifErrors(sarif);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toContain(expected);
  });

  test('a missing schema fails loudly with the command that fetches it, never skips', () => {
    expect(() => loadSarifValidator(`${sarifSchemaPath}.missing`)).toThrow(
      /^The SARIF 2\.1\.0 schema is missing at .+\.missing: run `bash scripts\/fetch-sarif-schema\.sh`/,
    );
  });
});
