// GitHub's REST API, as far as the actions use it: deployments and their statuses, and ending a preview
// (its deployments inactive, its environment deleted, whether its branch is still there).
export { describeApiError, environmentDeletionRefusal, isRetryableApiError } from './api-errors.js';
export {
  DEPLOYMENT_STATES,
  type Deployment,
  type DeploymentState,
  type DeploymentsApi,
  type EnvironmentDeletion,
  type NewDeployment,
  type NewDeploymentStatus,
  type RepositoryName,
} from './deployments-api.js';
export { createGitHubDeploymentsApi, type GitHubDeploymentsOptions } from './github-deployments.js';
export {
  type DeactivationCount,
  describePreviewTeardown,
  type InactiveStatusOptions,
  markDeploymentsInactive,
  PREVIEW_ENDED,
  type PreviewTeardownOptions,
  type PreviewTeardownReport,
  tearDownPreviewEnvironment,
} from './preview-teardown.js';
export { parseRepositoryName } from './repository-name.js';
