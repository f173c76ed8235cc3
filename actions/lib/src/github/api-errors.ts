import { ConfigurationError, errorMessage } from '../errors.js';

/** What a failed @octokit/request call carries (RequestError), read without depending on its class. */
interface RequestFailure {
  status?: number;
  message?: string;
  response?: { data?: unknown };
}

interface GitHubErrorBody {
  message?: string;
  errors?: ({ message?: string; field?: string; code?: string } | string)[];
}

/** The HTTP status GitHub answered with; undefined when it did not answer (a lost connection). */
export function statusOf(error: unknown): number | undefined {
  const status = (error as RequestFailure | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** GitHub's own words: its `message` plus each validation error, e.g. `Validation Failed: No ref found for: x`. */
export function apiMessage(error: unknown): string {
  const data = (error as RequestFailure | null)?.response?.data as GitHubErrorBody | undefined;
  if (typeof data !== 'object' || data === null || typeof data.message !== 'string') {
    return errorMessage(error);
  }
  const details = (data.errors ?? [])
    .map((item) =>
      typeof item === 'string' ? item : (item.message ?? [item.field, item.code].filter(Boolean).join(' ')),
    )
    .filter((text) => text !== '');
  return details.length > 0 ? `${data.message}: ${details.join('; ')}` : data.message;
}

/** Server errors and lost connections are worth another try; GitHub's answers about the request are not. */
export function isRetryableApiError(error: unknown): boolean {
  const status = statusOf(error);
  return status === undefined || status === 500 || status === 502 || status === 503 || status === 504;
}

/**
 * Turns a failed GitHub API call into a message that says what to change. `doing` names the call
 * ("creating the deployment"). Answers the workflow author can fix (401, 403, 404) become a
 * ConfigurationError, shown as is; the rest stay errors of the action.
 */
export function describeApiError(error: unknown, doing: string, repository: string): Error {
  const status = statusOf(error);
  const said = apiMessage(error);
  switch (status) {
    case undefined:
      return new Error(`Cannot reach the GitHub API while ${doing}: ${said}`);
    case 401:
      return new ConfigurationError(
        `GitHub rejected the token while ${doing} (401 ${said}). Pass a valid token in 'token' ` +
          '(the default is the job’s GITHUB_TOKEN).',
      );
    case 403:
      return new ConfigurationError(
        `GitHub refused ${doing} (403 ${said}). The token needs permission to write deployments: ` +
          "give the job 'permissions: deployments: write' (with 'contents: read').",
      );
    case 404:
      return new ConfigurationError(
        `GitHub answered 404 (${said}) while ${doing}: the repository '${repository}' does not exist, ` +
          'the token cannot see it, or the deployment is not one of its deployments.',
      );
    case 422:
      return new Error(
        `GitHub rejected ${doing} (422 ${said}). The ref must be a commit, branch or tag of '${repository}' ` +
          'and the environment name at most 255 characters.',
      );
    default:
      return new Error(`GitHub answered ${status} while ${doing}: ${said}`);
  }
}

/**
 * Why an environment was not deleted, and what can delete one. Deleting an environment takes the
 * repository's administration permission, which no `permissions:` setting grants the job's GITHUB_TOKEN.
 */
export function environmentDeletionRefusal(environment: string, status: 401 | 403, said: string): string {
  return (
    `GitHub refused to delete the environment '${environment}' (${status} ${said}): the token may not. ` +
    'The default job token (GITHUB_TOKEN) cannot delete environments, whatever the job’s permissions say. ' +
    'A token that can: a fine-grained personal access token with "Administration: write" on this ' +
    'repository, a GitHub App installation token with administration write, or a classic personal access ' +
    "token with the 'repo' scope."
  );
}
