/*
 * GitHub's side of ending a preview, on the library's Deployments API: the statuses need
 * `deployments: write`, the branch list `contents: read`, and deleting an environment the administration
 * permission, which the job's GITHUB_TOKEN never has (the refusal comes back as a result, not an error).
 */
import {
  createGitHubDeploymentsApi,
  markDeploymentsInactive,
  parseRepositoryName,
} from '../../lib/src/github/index.js';
import type { PreviewRecords } from './end-preview.js';

export function githubPreviewRecords(token: string, repositoryName: string): PreviewRecords {
  const api = createGitHubDeploymentsApi({ token, repository: parseRepositoryName(repositoryName) });
  return {
    deactivate: (environment) => markDeploymentsInactive(api, environment),
    branches: () => api.listBranches(),
    async deleteEnvironment(environment) {
      const deletion = await api.deleteEnvironment(environment);
      return deletion.result === 'not-permitted'
        ? { result: 'not-permitted', message: deletion.message }
        : { result: deletion.result };
    },
  };
}
