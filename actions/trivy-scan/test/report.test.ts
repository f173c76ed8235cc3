import { describe, expect, test } from 'vitest';
import { parseTrivyReport, TrivyReportError } from '../../lib/src/trivy/report.js';
import { findingsFromTrivyReport } from '../src/findings.js';
import { fixtureReport } from './fixtures.js';

describe('parseTrivyReport', () => {
  test.each([
    ['alpine-310.json', 4, 'container_image'],
    ['alpine-39-high-critical.json', 2, 'container_image'],
    ['debian-buster.json', 2, 'container_image'],
    ['debian-buster-ignore-unfixed.json', 1, 'container_image'],
    ['distroless-base.json', 4, 'container_image'],
    ['npm.json', 1, 'repository'],
  ])('reads every finding of the real report %s (%i findings, %s)', (name, count, type) => {
    const report = fixtureReport(name);
    expect(report.ArtifactType).toBe(type);
    expect(findingsFromTrivyReport(report)).toHaveLength(count);
  });

  test('a finding keeps package, versions, severity, title, link and target', () => {
    const [first] = findingsFromTrivyReport(fixtureReport('debian-buster.json'));
    expect(first).toEqual({
      id: 'CVE-2019-18276',
      packageName: 'bash',
      installedVersion: '5.0-4',
      fixedVersion: undefined,
      severity: 'LOW',
      title: expect.stringMatching(/^bash: when effective UID/),
      url: 'https://avd.aquasec.com/nvd/cve-2019-18276',
      target: 'testdata/fixtures/images/debian-buster.tar.gz (debian 10.1)',
    });
  });

  test('a report without Results (a clean image) has no findings', () => {
    expect(
      findingsFromTrivyReport(parseTrivyReport('{"SchemaVersion":2,"ArtifactName":"x"}', 'clean.json')),
    ).toEqual([]);
  });

  test('an unknown severity string counts as UNKNOWN rather than being dropped', () => {
    const text = JSON.stringify({
      SchemaVersion: 2,
      Results: [
        { Target: 't', Vulnerabilities: [{ VulnerabilityID: 'X-1', PkgName: 'p', Severity: 'weird' }] },
      ],
    });
    expect(findingsFromTrivyReport(parseTrivyReport(text, 'r.json'))[0]?.severity).toBe('UNKNOWN');
  });

  test.each([
    ['not json', /r\.json is not JSON/],
    ['[]', /should hold a JSON object/],
    ['{"SchemaVersion":1}', /SchemaVersion 1; expected 2/],
    ['{"SchemaVersion":2,"Results":{}}', /Results should be an array/],
    [
      '{"SchemaVersion":2,"Results":[{"Target":"t","Vulnerabilities":[{"PkgName":"p","Severity":"LOW"}]}]}',
      /Vulnerabilities\[0\]\.VulnerabilityID should be a string/,
    ],
  ])('rejects %s with a message naming the file and the problem', (text, message) => {
    expect(() => parseTrivyReport(text, 'r.json')).toThrow(TrivyReportError);
    expect(() => parseTrivyReport(text, 'r.json')).toThrow(message);
  });
});
