import { describe, expect, test } from 'vitest';
import { findingsFromTrivyReport } from '../src/findings.js';
import { applyGate, type FailOn } from '../src/gate.js';
import { fixtureReport } from './fixtures.js';

const none = new Set<string>();

describe('applyGate on the real reports', () => {
  test.each<[string, FailOn, boolean, boolean, number]>([
    // report, fail-on, ignore-unfixed, passed, failing
    ['alpine-310.json', 'HIGH', false, true, 0],
    ['alpine-310.json', 'MEDIUM', false, false, 4],
    ['alpine-310.json', 'LOW', false, false, 4],
    ['alpine-310.json', 'CRITICAL', false, true, 0],
    ['alpine-39-high-critical.json', 'CRITICAL', false, false, 2],
    ['alpine-39-high-critical.json', 'NONE', false, true, 0],
    ['debian-buster.json', 'LOW', false, false, 2],
    ['debian-buster.json', 'LOW', true, false, 1],
    ['distroless-base.json', 'MEDIUM', false, false, 2],
    ['distroless-base.json', 'MEDIUM', true, true, 0],
    ['distroless-base.json', 'LOW', true, false, 2],
    ['npm.json', 'MEDIUM', false, false, 1],
    ['npm.json', 'HIGH', false, true, 0],
  ])(
    '%s with fail-on %s, ignore-unfixed %s: passed %s, %i failing',
    (name, failOn, ignoreUnfixed, passed, failing) => {
      const gate = applyGate(findingsFromTrivyReport(fixtureReport(name)), {
        failOn,
        ignoreUnfixed,
        ignoredIds: none,
      });
      expect(gate.passed).toBe(passed);
      expect(gate.failing).toHaveLength(failing);
    },
  );

  test('counts per severity and total describe the findings left after the filters', () => {
    const findings = findingsFromTrivyReport(fixtureReport('distroless-base.json'));
    const all = applyGate(findings, { failOn: 'HIGH', ignoreUnfixed: false, ignoredIds: none });
    expect(all.counts).toEqual({ UNKNOWN: 0, LOW: 2, MEDIUM: 2, HIGH: 0, CRITICAL: 0 });
    expect(all.total).toBe(4);
    const fixable = applyGate(findings, { failOn: 'HIGH', ignoreUnfixed: true, ignoredIds: none });
    expect(fixable.counts).toEqual({ UNKNOWN: 0, LOW: 2, MEDIUM: 0, HIGH: 0, CRITICAL: 0 });
    expect(fixable.total).toBe(2);
  });

  test('our ignore-unfixed gives what trivy --ignore-unfixed reported for the same image', () => {
    const ours = applyGate(findingsFromTrivyReport(fixtureReport('debian-buster.json')), {
      failOn: 'LOW',
      ignoreUnfixed: true,
      ignoredIds: none,
    });
    const trivys = findingsFromTrivyReport(fixtureReport('debian-buster-ignore-unfixed.json'));
    expect(ours.reported.map((f) => [f.id, f.packageName])).toEqual(trivys.map((f) => [f.id, f.packageName]));
  });

  test('an ignored ID no longer counts nor fails the gate, in every package it appears in', () => {
    const findings = findingsFromTrivyReport(fixtureReport('alpine-310.json'));
    const gate = applyGate(findings, {
      failOn: 'MEDIUM',
      ignoreUnfixed: false,
      ignoredIds: new Set(['CVE-2019-1549']),
    });
    expect(gate.total).toBe(2);
    expect(gate.failing.map((f) => f.id)).toEqual(['CVE-2019-1551', 'CVE-2019-1551']);
    const all = applyGate(findings, {
      failOn: 'MEDIUM',
      ignoreUnfixed: false,
      ignoredIds: new Set(['CVE-2019-1549', 'CVE-2019-1551']),
    });
    expect(all.passed).toBe(true);
  });

  test('failing findings are listed most severe first', () => {
    const findings = [
      ...findingsFromTrivyReport(fixtureReport('debian-buster.json')),
      ...findingsFromTrivyReport(fixtureReport('alpine-310.json')),
    ];
    const gate = applyGate(findings, { failOn: 'LOW', ignoreUnfixed: false, ignoredIds: none });
    expect(gate.failing.map((f) => f.severity)).toEqual([
      'CRITICAL',
      'MEDIUM',
      'MEDIUM',
      'MEDIUM',
      'MEDIUM',
      'LOW',
    ]);
  });
});
