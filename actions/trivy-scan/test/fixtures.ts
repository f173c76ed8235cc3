import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTrivyReport, type TrivyReport } from '../../lib/src/trivy/report.js';

export const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

export function fixtureReport(name: string): TrivyReport {
  return parseTrivyReport(readFileSync(join(fixturesDir, name), 'utf8'), name);
}
