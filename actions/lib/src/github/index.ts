// GitHub's REST API, as far as the actions use it: deployments and their statuses.
export { describeApiError, isRetryableApiError } from './api-errors.js';
export {
  DEPLOYMENT_STATES,
  type Deployment,
  type DeploymentState,
  type DeploymentsApi,
  type NewDeployment,
  type NewDeploymentStatus,
  type RepositoryName,
} from './deployments-api.js';
export { createGitHubDeploymentsApi, type GitHubDeploymentsOptions } from './github-deployments.js';
export { parseRepositoryName } from './repository-name.js';
