import { DescribeImageScanFindingsCommand, ECRClient } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import { findingsFromEcr } from '../../../trivy-scan/src/ecr-findings.js';
import { applyGate } from '../../../trivy-scan/src/gate.js';
import { readEcrScanFindings } from '../../src/ecr/scan-findings.js';

const ecr = mockClient(ECRClient);
const client = new ECRClient({ region: 'eu-central-1' });
const digest = `sha256:${'c'.repeat(64)}`;

beforeEach(() => ecr.reset());
afterAll(() => ecr.restore());

describe('readEcrScanFindings', () => {
  test('waits while the scan is in progress, then reads every page', async () => {
    ecr
      .on(DescribeImageScanFindingsCommand)
      .resolvesOnce({ imageScanStatus: { status: 'IN_PROGRESS' } })
      .resolvesOnce({ imageScanStatus: { status: 'COMPLETE' } })
      .resolvesOnce({
        imageScanStatus: { status: 'COMPLETE' },
        imageScanFindings: {
          findings: [
            {
              name: 'CVE-2024-1',
              severity: 'HIGH',
              uri: 'https://security-tracker.debian.org/tracker/CVE-2024-1',
              description: 'overflow in x\nmore',
              attributes: [
                { key: 'package_name', value: 'libx' },
                { key: 'package_version', value: '1.0' },
              ],
            },
          ],
        },
        nextToken: 'page-2',
      })
      .resolvesOnce({
        imageScanStatus: { status: 'COMPLETE' },
        imageScanFindings: {
          enhancedFindings: [
            {
              severity: 'CRITICAL',
              title: 'CVE-2024-2 - liby',
              packageVulnerabilityDetails: {
                vulnerabilityId: 'CVE-2024-2',
                sourceUrl: 'https://nvd.nist.gov/vuln/detail/CVE-2024-2',
                vulnerablePackages: [
                  { name: 'liby', version: '2.0', fixedInVersion: '2.1' },
                  { name: 'liby-dev', version: '2.0', fixedInVersion: 'NotAvailable' },
                ],
              },
            },
          ],
        },
      });

    const scan = await readEcrScanFindings(client, 'team/app', digest, {
      maxWaitSeconds: 30,
      minDelaySeconds: 1,
    });
    expect(ecr.commandCalls(DescribeImageScanFindingsCommand).at(-1)?.args[0].input).toMatchObject({
      repositoryName: 'team/app',
      imageId: { imageDigest: digest },
      nextToken: 'page-2',
    });

    const findings = findingsFromEcr(scan, 'img');
    expect(
      findings.map((f) => [f.id, f.packageName, f.installedVersion, f.fixedVersion, f.severity, f.title]),
    ).toEqual([
      ['CVE-2024-1', 'libx', '1.0', undefined, 'HIGH', 'overflow in x'],
      ['CVE-2024-2', 'liby', '2.0', '2.1', 'CRITICAL', 'CVE-2024-2 - liby'],
      ['CVE-2024-2', 'liby-dev', '2.0', undefined, 'CRITICAL', 'CVE-2024-2 - liby'],
    ]);
    const gate = applyGate(findings, { failOn: 'HIGH', ignoreUnfixed: true, ignoredIds: new Set() });
    expect(gate.counts).toMatchObject({ CRITICAL: 1, HIGH: 0 });
    expect(gate.passed).toBe(false);
  });

  test('a failed scan is an error that says so', async () => {
    ecr.on(DescribeImageScanFindingsCommand).resolves({
      imageScanStatus: { status: 'FAILED', description: 'UnsupportedImageError' },
    });
    await expect(
      readEcrScanFindings(client, 'team/app', digest, { maxWaitSeconds: 30, minDelaySeconds: 1 }),
    ).rejects.toThrow(/ECR's scan of team\/app@sha256:c+ did not complete/);
  });
});
