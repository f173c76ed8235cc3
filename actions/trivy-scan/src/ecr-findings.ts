import type { EcrScanFindings } from '../../lib/src/ecr/scan-findings.js';
import { type Finding, toSeverity } from './findings.js';

function attribute(
  attributes: { key?: string; value?: string }[] | undefined,
  key: string,
): string | undefined {
  return attributes?.find((a) => a.key === key)?.value;
}

/**
 * ECR's findings in the shape Trivy's give: basic scanning names package and version in attributes and
 * knows no fixed version; enhanced scanning (Inspector) lists every vulnerable package with its fix.
 */
export function findingsFromEcr(scan: EcrScanFindings, target: string): Finding[] {
  const basic = scan.findings.map(
    (f): Finding => ({
      id: f.name ?? 'UNKNOWN',
      packageName: attribute(f.attributes, 'package_name') ?? '',
      installedVersion: attribute(f.attributes, 'package_version') ?? '',
      severity: toSeverity(f.severity),
      title: f.description?.split('\n')[0] ?? '',
      url: f.uri,
      target,
    }),
  );
  const enhanced = scan.enhancedFindings.flatMap((f) => {
    const details = f.packageVulnerabilityDetails;
    const packages = details?.vulnerablePackages ?? [{}];
    return packages.map(
      (p): Finding => ({
        id: details?.vulnerabilityId ?? f.title ?? 'UNKNOWN',
        packageName: p.name ?? '',
        installedVersion: p.version ?? '',
        fixedVersion: p.fixedInVersion && p.fixedInVersion !== 'NotAvailable' ? p.fixedInVersion : undefined,
        severity: toSeverity(f.severity),
        title: f.title ?? '',
        url: details?.sourceUrl,
        target,
      }),
    );
  });
  return [...basic, ...enhanced];
}
