/*
 * GitHub's side of ending a preview, on the library's Deployments API: the statuses need
 * `deployments: write`, the branch list `contents: read`, and deleting an environment the administration
 * permission, which the job's GITHUB_TOKEN never has (the refusal comes back as a result, not an error).
 */
import {
  createGitHubDeploymentsApi,
  parseRepositoryName,
  tearDownPreviewEnvironment,
} from '../../lib/src/github/index.js';
import type { PreviewRecords } from './end-preview.js';

export function githubPreviewRecords(token: string, repositoryName: string): PreviewRecords {
  const api = createGitHubDeploymentsApi({ token, repository: parseRepositoryName(repositoryName) });
  return {
    branches: () => api.listBranches(),
    async tearDown(environment, deleteEnvironment) {
      const report = await tearDownPreviewEnvironment(api, environment, { deleteEnvironment });
      const deletion = report.environmentDeletion;
      return {
        deployments: report.deployments,
        environment: deletion.result,
        ...(deletion.result === 'not-permitted' && { refusal: deletion.message }),
      };
    },
  };
}
