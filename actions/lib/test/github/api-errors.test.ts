import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/errors.js';
import {
  describeApiError,
  environmentDeletionRefusal,
  isRetryableApiError,
} from '../../src/github/api-errors.js';
import { parseRepositoryName } from '../../src/github/repository-name.js';

/** Shaped like @octokit/request's RequestError. */
const answered = (status: number, data: unknown) =>
  Object.assign(new Error(`HttpError ${status}`), { status, response: { data } });

describe('describeApiError()', () => {
  it('401: the token is wrong, as a configuration error', () => {
    const error = describeApiError(
      answered(401, { message: 'Bad credentials' }),
      'creating a deployment',
      'acme/shop',
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toBe(
      "GitHub rejected the token while creating a deployment (401 Bad credentials). Pass a valid token in 'token' (the default is the job’s GITHUB_TOKEN).",
    );
  });

  it('403: names the permission the job lacks', () => {
    const error = describeApiError(
      answered(403, { message: 'Resource not accessible by integration' }),
      'creating a deployment',
      'acme/shop',
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain('(403 Resource not accessible by integration)');
    expect(error.message).toContain("'permissions: deployments: write'");
  });

  it('404: names the repository', () => {
    const error = describeApiError(
      answered(404, { message: 'Not Found' }),
      'reading deployment 9',
      'acme/shop',
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toMatch(
      /^GitHub answered 404 \(Not Found\) while reading deployment 9: the repository 'acme\/shop'/,
    );
  });

  it('422: GitHub’s validation errors in its own words', () => {
    const error = describeApiError(
      answered(422, {
        message: 'Validation Failed',
        errors: [{ resource: 'Deployment', code: 'custom', message: 'No ref found for: nope' }, 'second'],
      }),
      'creating a deployment',
      'acme/shop',
    );
    expect(error).not.toBeInstanceOf(ConfigurationError);
    expect(error.message).toMatch(
      /^GitHub rejected creating a deployment \(422 Validation Failed: No ref found for: nope; second\)/,
    );
  });

  it('other statuses and lost connections', () => {
    expect(describeApiError(answered(502, { message: 'Bad Gateway' }), 'x', 'a/b').message).toBe(
      'GitHub answered 502 while x: Bad Gateway',
    );
    expect(describeApiError(new Error('connect ECONNREFUSED 127.0.0.1:1'), 'x', 'a/b').message).toBe(
      'Cannot reach the GitHub API while x: connect ECONNREFUSED 127.0.0.1:1',
    );
  });
});

describe('environmentDeletionRefusal()', () => {
  it('quotes GitHub, says the job token never can, and names the tokens that can', () => {
    const message = environmentDeletionRefusal(
      'preview-feature-cart',
      403,
      'Resource not accessible by integration',
    );
    expect(message).toMatch(
      /^GitHub refused to delete the environment 'preview-feature-cart' \(403 Resource not accessible by integration\): the token may not\./,
    );
    expect(message).toContain('The default job token (GITHUB_TOKEN) cannot delete environments');
    expect(message).toContain('fine-grained personal access token with "Administration: write"');
    expect(message).toContain('GitHub App installation token with administration write');
    expect(message).toContain("classic personal access token with the 'repo' scope");
  });
});

describe('isRetryableApiError()', () => {
  it.each([
    [500, true],
    [502, true],
    [503, true],
    [504, true],
    [401, false],
    [403, false],
    [404, false],
    [422, false],
  ])('%i → %s', (status, retryable) => {
    expect(isRetryableApiError(answered(status, {}))).toBe(retryable);
  });

  it('retries a lost connection', () => {
    expect(isRetryableApiError(new Error('socket hang up'))).toBe(true);
  });
});

describe('parseRepositoryName()', () => {
  it('splits owner/name', () => {
    expect(parseRepositoryName('acme/shop.api')).toEqual({ owner: 'acme', repo: 'shop.api' });
  });

  it.each(['', 'acme', 'acme/shop/x', 'acme/..', '-acme/shop', 'ac me/shop'])('refuses %j', (value) => {
    expect(() => parseRepositoryName(value)).toThrow('expected owner/name');
  });
});
