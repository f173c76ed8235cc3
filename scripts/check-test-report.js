// Reads vitest's JSON report, prints one closing line, and fails a run that tested nothing or,
// under CI, one that skipped anything: a skipped test in CI is a test that did not run.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2] ?? 'reports/vitest.json', 'utf8'));
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);

const problems = [];
if (report.numTotalTests === 0) problems.push('no test ran');
if (report.numFailedTests > 0 || report.numFailedTestSuites > 0) problems.push('some tests failed');
if (process.env.CI === 'true' && skipped > 0) {
  const names = report.testResults.flatMap((file) =>
    file.assertionResults
      .filter((t) => t.status === 'pending' || t.status === 'todo' || t.status === 'skipped')
      .map((t) => `${file.name}: ${t.fullName}`),
  );
  problems.push(`CI runs every test, but these were skipped:\n  ${names.join('\n  ')}`);
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
