import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureNodeBaseImage } from './base-image.js';
import { type DockerEngine, dockerEnv } from './docker-engine.js';
import { run } from './exec.js';

export interface NpmPackage {
  name: string;
  version: string;
}

/**
 * npm releases with a critical or high advisory in the sandbox's DB (sandbox/trivy/advisories.json):
 * what an image that must fail the gate carries.
 */
export const knownVulnerablePackages: readonly NpmPackage[] = [
  { name: 'lodash', version: '4.17.11' },
  { name: 'minimist', version: '1.2.5' },
  { name: 'cross-spawn', version: '7.0.3' },
];

/**
 * Builds `tag` from the sandbox's runtime base with `/app/node_modules/<name>/package.json` for each
 * package: the manifest is what Trivy reads to know an installed npm package (the code is not needed to
 * be found, and no registry is reached to build it). With no packages, the image is the base as it is.
 */
export async function buildImageWithNpmPackages(
  engine: DockerEngine,
  tag: string,
  label: string,
  packages: readonly NpmPackage[],
): Promise<string> {
  const base = await ensureNodeBaseImage(engine, 'runtime');
  const context = mkdtempSync(join(tmpdir(), 'scan-image-'));
  try {
    mkdirSync(join(context, 'node_modules'));
    for (const pkg of packages) {
      mkdirSync(join(context, 'node_modules', pkg.name), { recursive: true });
      writeFileSync(
        join(context, 'node_modules', pkg.name, 'package.json'),
        `${JSON.stringify({ name: pkg.name, version: pkg.version, license: 'MIT' }, null, 2)}\n`,
      );
    }
    writeFileSync(
      join(context, 'Dockerfile'),
      `FROM ${base}\nCOPY node_modules /app/node_modules\nUSER 65532:65532\nENTRYPOINT ["node"]\n`,
    );
    await run('docker', ['build', '--quiet', '--label', label, '--tag', tag, context], {
      env: dockerEnv(engine),
      timeoutMs: 180_000,
    });
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  return tag;
}
