import type { RepositoryName } from './deployments-api.js';

// GitHub's rules: owners are letters, digits and single hyphens; repository names add `.` and `_`.
const REPOSITORY = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/;

/** GITHUB_REPOSITORY (`owner/name`) split for the REST paths; anything else is a broken run context. */
export function parseRepositoryName(value: string): RepositoryName {
  const match = REPOSITORY.exec(value);
  if (!match || match[2] === '.' || match[2] === '..') {
    throw new Error(
      `GITHUB_REPOSITORY is '${value}', expected owner/name: run this in a GitHub Actions job (or set it)`,
    );
  }
  return { owner: match[1] as string, repo: match[2] as string };
}
