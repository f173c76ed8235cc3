/**
 * The parts of Trivy's JSON report (`--format json`, SchemaVersion 2) that the action reads. Trivy adds
 * fields between releases, so only these are checked and the rest is left alone.
 */
export interface TrivyVulnerability {
  VulnerabilityID: string;
  PkgName: string;
  InstalledVersion?: string;
  FixedVersion?: string;
  Status?: string;
  Severity: string;
  Title?: string;
  PrimaryURL?: string;
}

export interface TrivyResult {
  Target: string;
  Class?: string;
  Type?: string;
  Vulnerabilities?: TrivyVulnerability[] | null;
}

export interface TrivyReport {
  SchemaVersion: number;
  ArtifactName?: string;
  ArtifactType?: string;
  Results?: TrivyResult[] | null;
}

export class TrivyReportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrivyReportError';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireString(value: unknown, where: string): string {
  if (typeof value !== 'string')
    throw new TrivyReportError(`${where} should be a string, got ${JSON.stringify(value)}`);
  return value;
}

function optionalString(value: unknown, where: string): string | undefined {
  return value === undefined || value === null ? undefined : requireString(value, where);
}

function parseVulnerability(raw: unknown, where: string): TrivyVulnerability {
  if (!isRecord(raw)) throw new TrivyReportError(`${where} should be an object`);
  return {
    VulnerabilityID: requireString(raw.VulnerabilityID, `${where}.VulnerabilityID`),
    PkgName: requireString(raw.PkgName, `${where}.PkgName`),
    InstalledVersion: optionalString(raw.InstalledVersion, `${where}.InstalledVersion`),
    FixedVersion: optionalString(raw.FixedVersion, `${where}.FixedVersion`),
    Status: optionalString(raw.Status, `${where}.Status`),
    Severity: requireString(raw.Severity, `${where}.Severity`),
    Title: optionalString(raw.Title, `${where}.Title`),
    PrimaryURL: optionalString(raw.PrimaryURL, `${where}.PrimaryURL`),
  };
}

/** Parses and checks a Trivy JSON report; `source` names the file in error messages. */
export function parseTrivyReport(text: string, source: string): TrivyReport {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new TrivyReportError(`${source} is not JSON: ${(error as Error).message}`);
  }
  if (!isRecord(raw)) throw new TrivyReportError(`${source} should hold a JSON object`);
  if (raw.SchemaVersion !== 2) {
    throw new TrivyReportError(
      `${source} has SchemaVersion ${JSON.stringify(raw.SchemaVersion)}; expected 2 (trivy --format json)`,
    );
  }
  const results = raw.Results ?? [];
  if (!Array.isArray(results)) throw new TrivyReportError(`${source}: Results should be an array`);
  return {
    SchemaVersion: 2,
    ArtifactName: optionalString(raw.ArtifactName, `${source}: ArtifactName`),
    ArtifactType: optionalString(raw.ArtifactType, `${source}: ArtifactType`),
    Results: results.map((result: unknown, i): TrivyResult => {
      const where = `${source}: Results[${i}]`;
      if (!isRecord(result)) throw new TrivyReportError(`${where} should be an object`);
      const vulns = result.Vulnerabilities ?? [];
      if (!Array.isArray(vulns)) throw new TrivyReportError(`${where}.Vulnerabilities should be an array`);
      return {
        Target: requireString(result.Target, `${where}.Target`),
        Class: optionalString(result.Class, `${where}.Class`),
        Type: optionalString(result.Type, `${where}.Type`),
        Vulnerabilities: vulns.map((v: unknown, j) =>
          parseVulnerability(v, `${where}.Vulnerabilities[${j}]`),
        ),
      };
    }),
  };
}
