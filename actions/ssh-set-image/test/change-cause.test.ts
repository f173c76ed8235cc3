import { describe, expect, it } from 'vitest';
import { readRunContext } from '../../lib/src/index.js';
import { changeCause } from '../src/change-cause.js';

describe('changeCause', () => {
  it('names the image, commit, actor and run', () => {
    const context = readRunContext({
      GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
      GITHUB_ACTOR: 'octocat',
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_RUN_ID: '42',
      GITHUB_SERVER_URL: 'https://github.com',
    });
    expect(changeCause('r.example/api:v1', context)).toBe(
      'deploy r.example/api:v1, commit 0123456789ab, by octocat, run https://github.com/acme/shop/actions/runs/42',
    );
  });

  it('leaves out what the context does not have (a local run)', () => {
    expect(changeCause('r.example/api:v1', readRunContext({}))).toBe('deploy r.example/api:v1');
  });
});
