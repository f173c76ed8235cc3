import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ECRClient } from '@aws-sdk/client-ecr';
import { SHA256_DIGEST, splitImageReference } from '../../lib/src/docker/image-ref.js';
import { readEcrScanFindings } from '../../lib/src/ecr/scan-findings.js';
import {
  type CommandRunner,
  ConfigurationError,
  createAwsClientFactory,
  group,
  info,
  ProcessCommandRunner,
  setOutputs,
  warning,
  writeJobSummary,
} from '../../lib/src/index.js';
import { dbCacheKey, updateDb } from '../../lib/src/trivy/db.js';
import { parseTrivyReport } from '../../lib/src/trivy/report.js';
import { TrivyCli } from '../../lib/src/trivy/trivy-cli.js';
import { findingsFromEcr } from './ecr-findings.js';
import { type Finding, findingsFromTrivyReport } from './findings.js';
import { applyGate } from './gate.js';
import { loadIgnoreFile } from './ignore-file.js';
import { getInputs, type TrivyScanInputs } from './inputs.js';
import { registryRefusal } from './registry-refusal.js';
import { scanSummary } from './summary.js';
import { locateTrivy, realTrivyLocator, type TrivyLocator } from './trivy-executable.js';
import { activeIgnoredIds } from './trivyignore.js';

export interface TrivyScanDeps {
  runner: CommandRunner;
  locator: TrivyLocator;
  createEcrClient: (region: string) => ECRClient;
  now: () => Date;
}

export const defaultDeps = (): TrivyScanDeps => ({
  runner: new ProcessCommandRunner(),
  locator: realTrivyLocator,
  createEcrClient: (region) => createAwsClientFactory(region).create(ECRClient),
  now: () => new Date(),
});

interface ScanOutcome {
  findings: Finding[];
  reportPath: string;
  sarifPath: string;
  dbCacheKey: string;
}

async function scanWithTrivy(
  inputs: TrivyScanInputs,
  reportDir: string,
  ignoreFile: string | undefined,
  deps: TrivyScanDeps,
): Promise<ScanOutcome> {
  const executable = await group('Set up Trivy', () => locateTrivy(inputs.trivy, deps.locator));
  const trivy = new TrivyCli(deps.runner, executable);
  info(`Trivy ${await trivy.version()} at ${executable}`);
  const cacheDir = inputs.trivy.cacheDir ?? join(homedir(), '.cache', 'trivy');
  const db = await group('Update the vulnerability DB', () =>
    updateDb(trivy, inputs.trivy.dbRepositories, cacheDir, deps.now()),
  );
  for (const failure of db.failures) warning(`Trivy DB repository failed, trying the next: ${failure}`);
  info(
    db.repository
      ? `DB from ${db.repository}, built ${db.metadata.UpdatedAt}`
      : `Cached DB built ${db.metadata.UpdatedAt} is fresh`,
  );

  const reportPath = join(reportDir, 'trivy-report.json');
  const sarifPath = join(reportDir, 'trivy-report.sarif');
  await group(`Scan ${inputs.imageRef}`, async () => {
    await trivy
      .scanImage({
        image: inputs.imageRef,
        output: reportPath,
        cacheDir,
        ignoreUnfixed: inputs.ignoreUnfixed,
        ignoreFile,
        timeoutSeconds: Math.ceil(inputs.timeoutMs / 1000),
        registryCredentials: inputs.registryCredentials,
      })
      .catch((error: unknown) => {
        throw registryRefusal(error, inputs.imageRef, inputs.registryCredentials) ?? error;
      });
    // SARIF from the same report, not filtered by fail-on: code scanning shows every finding.
    await trivy.convertToSarif(reportPath, sarifPath);
  });
  const report = parseTrivyReport(readFileSync(reportPath, 'utf8'), reportPath);
  return {
    findings: findingsFromTrivyReport(report),
    reportPath,
    sarifPath,
    dbCacheKey: dbCacheKey(db.metadata),
  };
}

async function scanWithEcr(
  inputs: TrivyScanInputs,
  reportDir: string,
  deps: TrivyScanDeps,
): Promise<ScanOutcome> {
  const { name, digest, extra } = splitImageReference(inputs.imageRef);
  const slash = name.indexOf('/');
  if (extra !== undefined || slash === -1 || digest === undefined || !SHA256_DIGEST.test(digest)) {
    throw ConfigurationError.invalidInput(
      'image-ref',
      inputs.imageRef,
      "registry/repository@sha256:… for scanner 'ecr'",
    );
  }
  const repository = name.slice(slash + 1);
  const client = deps.createEcrClient(inputs.ecr.region as string);
  const scan = await group(`Wait for ECR's scan of ${inputs.imageRef}`, () =>
    readEcrScanFindings(client, repository, digest, { maxWaitSeconds: Math.ceil(inputs.ecr.waitMs / 1000) }),
  );
  const findings = findingsFromEcr(scan, inputs.imageRef);
  const reportPath = join(reportDir, 'ecr-findings.json');
  writeFileSync(
    reportPath,
    `${JSON.stringify({ scanner: 'ecr', image: inputs.imageRef, ...scan }, null, 2)}\n`,
  );
  return { findings, reportPath, sarifPath: '', dbCacheKey: '' };
}

export async function run(deps: TrivyScanDeps = defaultDeps()): Promise<void> {
  const inputs = getInputs();
  const ignore = loadIgnoreFile(inputs.ignoreFile);
  const reportDir = resolve(inputs.reportDir ?? join(process.env.RUNNER_TEMP || tmpdir(), 'trivy-scan'));
  mkdirSync(reportDir, { recursive: true });

  const outcome =
    inputs.scanner === 'trivy'
      ? await scanWithTrivy(inputs, reportDir, ignore.path, deps)
      : await scanWithEcr(inputs, reportDir, deps);
  // Applied here as well as by Trivy, so that the gate means the same for both scanners.
  const gate = applyGate(outcome.findings, {
    failOn: inputs.failOn,
    ignoreUnfixed: inputs.ignoreUnfixed,
    ignoredIds: activeIgnoredIds(ignore.rules, deps.now()),
  });

  setOutputs({
    critical: gate.counts.CRITICAL,
    high: gate.counts.HIGH,
    medium: gate.counts.MEDIUM,
    low: gate.counts.LOW,
    unknown: gate.counts.UNKNOWN,
    total: gate.total,
    passed: gate.passed,
    'report-path': outcome.reportPath,
    'sarif-path': outcome.sarifPath,
    'db-cache-key': outcome.dbCacheKey,
  });
  const scannerName = inputs.scanner === 'trivy' ? 'Trivy' : 'ECR';
  await writeJobSummary([scanSummary(scannerName, inputs.imageRef, gate, inputs.failOn)]);
  if (!gate.passed) {
    throw new Error(
      `${gate.failing.length} vulnerabilit${gate.failing.length === 1 ? 'y' : 'ies'} at or above ${inputs.failOn} in ${inputs.imageRef} (see the job summary and ${outcome.reportPath})`,
    );
  }
  info(`No vulnerability at or above ${inputs.failOn}: ${gate.total} finding(s) in total`);
}
