import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Trivy } from './trivy-cli.js';

export const DEFAULT_DB_REPOSITORIES = [
  'mirror.gcr.io/aquasec/trivy-db:2',
  'public.ecr.aws/aquasecurity/trivy-db:2',
  'ghcr.io/aquasecurity/trivy-db:2',
];

/** Trivy's `db/metadata.json`, written next to the DB it describes. */
export interface TrivyDbMetadata {
  Version: number;
  NextUpdate: string;
  UpdatedAt: string;
}

export function readDbMetadata(cacheDir: string): TrivyDbMetadata | undefined {
  let text: string;
  try {
    text = readFileSync(join(cacheDir, 'db', 'metadata.json'), 'utf8');
  } catch {
    return undefined;
  }
  const raw = JSON.parse(text) as Partial<TrivyDbMetadata>;
  if (
    typeof raw.Version !== 'number' ||
    typeof raw.UpdatedAt !== 'string' ||
    typeof raw.NextUpdate !== 'string'
  ) {
    throw new Error(`${join(cacheDir, 'db', 'metadata.json')} lacks Version, UpdatedAt or NextUpdate`);
  }
  return raw as TrivyDbMetadata;
}

/**
 * The cache key of a DB: its schema version and the moment Aqua built it. Two runs share a key exactly
 * when they hold the same DB, whatever day they ran.
 */
export function dbCacheKey(metadata: TrivyDbMetadata): string {
  return `trivy-db-v${metadata.Version}-${metadata.UpdatedAt.replace(/[^0-9A-Za-z]/g, '')}`;
}

/** A DB is fresh until its NextUpdate; until then nothing needs downloading. */
export function dbIsFresh(metadata: TrivyDbMetadata | undefined, now: Date): boolean {
  if (metadata === undefined) return false;
  const next = Date.parse(metadata.NextUpdate);
  return Number.isFinite(next) && now.getTime() < next;
}

export interface DbUpdate {
  /** The repository the DB came from; undefined when the cached one was still fresh. */
  repository?: string;
  metadata: TrivyDbMetadata;
  failures: string[];
}

/** Brings the DB up to date from the first repository that answers; a fresh cached DB is kept. */
export async function updateDb(
  trivy: Trivy,
  repositories: readonly string[],
  cacheDir: string,
  now: Date,
): Promise<DbUpdate> {
  const cached = readDbMetadata(cacheDir);
  if (cached && dbIsFresh(cached, now)) return { metadata: cached, failures: [] };
  const failures: string[] = [];
  for (const repository of repositories) {
    try {
      await trivy.downloadDb(repository, cacheDir);
    } catch (error) {
      failures.push(`${repository}: ${(error as Error).message}`);
      continue;
    }
    const metadata = readDbMetadata(cacheDir);
    if (metadata === undefined) {
      failures.push(`${repository}: the download left no db/metadata.json`);
      continue;
    }
    return { repository, metadata, failures };
  }
  throw new Error(`No Trivy DB repository could be used:\n${failures.join('\n')}`);
}
