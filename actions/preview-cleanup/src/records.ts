/*
 * GitHub's side of ending a preview, on the Deployments API the deployment-status action uses, plus the
 * one call to delete an environment. The statuses need `deployments: write`; deleting an environment needs
 * the administration permission, which the job's GITHUB_TOKEN never has.
 */
import { getOctokit } from '@actions/github';
import { createGitHubDeploymentsApi, parseRepositoryName } from '../../lib/src/github/index.js';
import type { EnvironmentDeletion, PreviewRecords } from './end-preview.js';

/** The refusal a token without the administration permission gets, in words a reader can act on. */
export const ENVIRONMENT_NOT_PERMITTED =
  'GitHub refused to delete the environment: the token may not. The job’s GITHUB_TOKEN never can; pass a ' +
  'fine-grained token with "Administration: write" on this repository (or a GitHub App token with ' +
  'administration write) as `token` to delete it. Its deployments are marked inactive all the same.';

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

export function githubPreviewRecords(token: string, repositoryName: string): PreviewRecords {
  const repository = parseRepositoryName(repositoryName);
  const api = createGitHubDeploymentsApi({ token, repository });
  const octokit = getOctokit(token);
  return {
    async deactivate(environment) {
      let marked = 0;
      let alreadyInactive = 0;
      for (const deployment of await api.listDeployments(environment)) {
        if ((await api.latestState(deployment.id)) === 'inactive') {
          alreadyInactive += 1;
          continue;
        }
        await api.createStatus(deployment.id, {
          state: 'inactive',
          description: 'The preview was removed',
          autoInactive: false,
        });
        marked += 1;
      }
      return { marked, alreadyInactive };
    },
    async branches() {
      const branches = await octokit.paginate(octokit.rest.repos.listBranches, {
        ...repository,
        per_page: 100,
      });
      return branches.map((branch) => branch.name);
    },
    async deleteEnvironment(environment): Promise<EnvironmentDeletion> {
      try {
        await octokit.rest.repos.deleteAnEnvironment({
          ...repository,
          environment_name: environment,
        });
        return { result: 'deleted' };
      } catch (error) {
        const status = statusOf(error);
        if (status === 404) return { result: 'absent' };
        if (status === 401 || status === 403)
          return { result: 'not-permitted', message: ENVIRONMENT_NOT_PERMITTED };
        throw error;
      }
    },
  };
}
