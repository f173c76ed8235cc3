import { describe, expect, test } from 'vitest';
import { type Finding, findingsFromTrivyReport } from '../src/findings.js';
import { applyGate } from '../src/gate.js';
import { findingsTable, scanSummary } from '../src/summary.js';
import { fixtureReport } from './fixtures.js';

const finding = (over: Partial<Finding>): Finding => ({
  id: 'CVE-2024-0001',
  packageName: 'pkg',
  installedVersion: '1.0',
  fixedVersion: '1.1',
  severity: 'HIGH',
  title: 'a title',
  url: 'https://avd.aquasec.com/nvd/cve-2024-0001',
  target: 't',
  ...over,
});

const rows = (html: string): string[] => html.match(/<tr><td>.*?<\/tr>/g) ?? [];

describe('findingsTable', () => {
  test('a row holds the linked ID, package, installed, fixed, severity and title', () => {
    expect(rows(findingsTable([finding({})]))).toEqual([
      '<tr><td><a href="https://avd.aquasec.com/nvd/cve-2024-0001">CVE-2024-0001</a></td><td>pkg</td><td>1.0</td><td>1.1</td><td>HIGH</td><td>a title</td></tr>',
    ]);
  });

  test.each([
    ['javascript:alert(1)', '<td>CVE-2024-0001</td>'],
    ['not a url', '<td>CVE-2024-0001</td>'],
    ['https://example.com/a"onmouseover="x', '<a href="https://example.com/a&quot;onmouseover=&quot;x">'],
  ])('the URL %j gives an ID cell with %j', (url, cell) => {
    expect(rows(findingsTable([finding({ url })]))[0]).toContain(cell);
  });

  test('untrusted title and package text cannot inject HTML or break the row', () => {
    const [row] = rows(
      findingsTable([finding({ title: '<img src=x onerror=alert(1)>\n</table>', packageName: 'a|b' })]),
    );
    expect(row).toContain('<td>&lt;img src=x onerror=alert(1)&gt; &lt;/table&gt;</td>');
    expect(row).toContain('<td>a|b</td>');
  });

  test('a finding without a fixed version says none', () => {
    expect(findingsTable([finding({ fixedVersion: undefined })])).toContain('<td>1.0</td><td>none</td>');
  });

  test('a long list is cut and the rest counted', () => {
    const html = findingsTable(
      Array.from({ length: 5 }, (_, i) => finding({ id: `CVE-${i}` })),
      3,
    );
    expect(rows(html)).toHaveLength(3);
    expect(html).toContain('and 2 more in the JSON report');
  });
});

describe('scanSummary', () => {
  test('a failing scan lists the counts and only the failing findings of the real report', () => {
    const gate = applyGate(findingsFromTrivyReport(fixtureReport('debian-buster.json')), {
      failOn: 'HIGH',
      ignoreUnfixed: false,
      ignoredIds: new Set(),
    });
    const summary = scanSummary('Trivy', 'registry.example/app@sha256:abc', gate, 'HIGH');
    expect(summary).toContain('Failed: 1 finding(s) at or above HIGH.');
    expect(summary).toContain('CRITICAL: 1 · HIGH: 0 · MEDIUM: 0 · LOW: 1 · UNKNOWN: 0 · total: 2');
    expect(summary).toContain('>CVE-2019-18224</a></td><td>libidn2-0</td>');
    expect(summary).not.toContain('CVE-2019-18276');
  });

  test('a passing scan has no table', () => {
    const gate = applyGate(findingsFromTrivyReport(fixtureReport('alpine-310.json')), {
      failOn: 'HIGH',
      ignoreUnfixed: false,
      ignoredIds: new Set(),
    });
    const summary = scanSummary('Trivy', 'img', gate, 'HIGH');
    expect(summary).toContain('Passed: no finding at or above HIGH.');
    expect(summary).not.toContain('<table>');
  });
});
