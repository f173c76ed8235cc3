import { getOctokit } from '@actions/github';
import { retry } from '../retry.js';
import {
  apiMessage,
  describeApiError,
  environmentDeletionRefusal,
  isRetryableApiError,
  statusOf,
} from './api-errors.js';
import type {
  Deployment,
  DeploymentState,
  DeploymentsApi,
  EnvironmentDeletion,
  NewDeployment,
  NewDeploymentStatus,
  RepositoryName,
} from './deployments-api.js';
import { DEPLOYMENT_STATES } from './deployments-api.js';

export interface GitHubDeploymentsOptions {
  token: string;
  repository: RepositoryName;
  /** The REST API's root; default: GITHUB_API_URL as @actions/github read it when it was loaded. */
  apiUrl?: string;
  /** Tries per call when GitHub answers 5xx or the connection fails (1 = no retry). */
  attempts?: number;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

interface DeploymentData {
  id: number;
  sha: string;
  environment: string;
  transient_environment?: boolean;
  production_environment?: boolean;
}

function toDeployment(data: DeploymentData): Deployment {
  return {
    id: data.id,
    sha: data.sha,
    environment: data.environment,
    transientEnvironment: data.transient_environment === true,
    productionEnvironment: data.production_environment === true,
  };
}

function isDeploymentState(value: unknown): value is DeploymentState {
  return (DEPLOYMENT_STATES as readonly unknown[]).includes(value);
}

/**
 * The Deployments API through @actions/github's Octokit, which speaks to GITHUB_API_URL (GitHub Enterprise
 * Server and the tests' loopback stand-in alike) and honours the runner's proxy settings. Every call is
 * retried on 5xx and lost connections, and its failure is described once (describeApiError).
 */
export function createGitHubDeploymentsApi(options: GitHubDeploymentsOptions): DeploymentsApi {
  const octokit = getOctokit(options.token, options.apiUrl === undefined ? {} : { baseUrl: options.apiUrl });
  const { owner, repo } = options.repository;
  const repository = `${owner}/${repo}`;
  const attempt = <T>(request: () => Promise<T>): Promise<T> =>
    retry(request, {
      attempts: options.attempts ?? 3,
      baseMs: 1000,
      maxMs: 5000,
      isRetryable: isRetryableApiError,
      ...(options.sleep ? { sleep: options.sleep } : {}),
    });
  const call = async <T>(doing: string, request: () => Promise<T>): Promise<T> => {
    try {
      return await attempt(request);
    } catch (error) {
      throw describeApiError(error, doing, repository);
    }
  };

  return {
    async createDeployment(deployment: NewDeployment): Promise<Deployment> {
      const response = await call(`creating a deployment to '${deployment.environment}'`, () =>
        octokit.rest.repos.createDeployment({
          owner,
          repo,
          ref: deployment.ref,
          task: 'deploy',
          environment: deployment.environment,
          description: deployment.description,
          // Deploy exactly this commit: no merge of the default branch into it, no wait for status checks
          // (the workflow that runs this has already decided the commit may ship).
          auto_merge: false,
          required_contexts: [],
          transient_environment: deployment.transientEnvironment,
          production_environment: deployment.productionEnvironment,
        }),
      );
      // 202 means GitHub merged the default branch instead of creating a deployment (only with auto_merge).
      if (response.status !== 201 || !('id' in response.data)) {
        throw new Error(
          `GitHub did not create the deployment (HTTP ${response.status}): ${JSON.stringify(response.data)}`,
        );
      }
      return toDeployment(response.data);
    },

    async createStatus(deploymentId: number, status: NewDeploymentStatus): Promise<void> {
      await call(`setting deployment ${deploymentId} to ${status.state}`, () =>
        octokit.rest.repos.createDeploymentStatus({
          owner,
          repo,
          deployment_id: deploymentId,
          state: status.state,
          ...(status.description === undefined ? {} : { description: status.description }),
          ...(status.logUrl === undefined ? {} : { log_url: status.logUrl }),
          ...(status.environmentUrl === undefined ? {} : { environment_url: status.environmentUrl }),
          auto_inactive: status.autoInactive,
        }),
      );
    },

    async getDeployment(deploymentId: number): Promise<Deployment> {
      const response = await call(`reading deployment ${deploymentId}`, () =>
        octokit.rest.repos.getDeployment({ owner, repo, deployment_id: deploymentId }),
      );
      return toDeployment(response.data);
    },

    async listDeployments(environment: string): Promise<Deployment[]> {
      const response = await call(`listing the deployments to '${environment}'`, () =>
        octokit.rest.repos.listDeployments({ owner, repo, environment, per_page: 100 }),
      );
      return response.data.map(toDeployment);
    },

    async listAllDeployments(environment: string): Promise<Deployment[]> {
      // paginate() follows GitHub's Link headers; a retry after a failed page starts the listing over.
      const deployments = await call(`listing every deployment to '${environment}'`, () =>
        octokit.paginate(octokit.rest.repos.listDeployments, { owner, repo, environment, per_page: 100 }),
      );
      return deployments.map(toDeployment);
    },

    async latestState(deploymentId: number): Promise<DeploymentState | undefined> {
      const response = await call(`reading the statuses of deployment ${deploymentId}`, () =>
        octokit.rest.repos.listDeploymentStatuses({ owner, repo, deployment_id: deploymentId, per_page: 1 }),
      );
      const state = response.data[0]?.state;
      return isDeploymentState(state) ? state : undefined;
    },

    async deleteEnvironment(environment: string): Promise<EnvironmentDeletion> {
      try {
        await attempt(() =>
          octokit.rest.repos.deleteAnEnvironment({ owner, repo, environment_name: environment }),
        );
        return { result: 'deleted' };
      } catch (error) {
        const status = statusOf(error);
        // No such environment. (A repository the token cannot see answers 404 too: the teardown lists the
        // environment's deployments first, which fails loudly then.)
        if (status === 404) return { result: 'absent' };
        if (status === 401 || status === 403) {
          const said = apiMessage(error);
          return {
            result: 'not-permitted',
            status,
            githubMessage: said,
            message: environmentDeletionRefusal(environment, status, said),
          };
        }
        throw describeApiError(error, `deleting the environment '${environment}'`, repository);
      }
    },

    async branchExists(branch: string): Promise<boolean> {
      try {
        await attempt(() => octokit.rest.repos.getBranch({ owner, repo, branch }));
        return true;
      } catch (error) {
        // Only GitHub's own word for a missing branch: a repository the token cannot see answers 404 too,
        // and reading that as "the branch is gone" would have a sweep delete every preview.
        if (statusOf(error) === 404 && apiMessage(error) === 'Branch not found') return false;
        throw describeApiError(error, `reading the branch '${branch}'`, repository);
      }
    },

    async listBranches(): Promise<string[]> {
      const branches = await call('listing the branches', () =>
        octokit.paginate(octokit.rest.repos.listBranches, { owner, repo, per_page: 100 }),
      );
      return branches.map((branch) => branch.name);
    },
  };
}
