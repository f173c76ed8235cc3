/*
 * The part of GitHub's Deployments REST API the deployment-status action needs, as an interface: the real
 * implementation speaks to GITHUB_API_URL through @actions/github (github-deployments.ts), unit tests pass
 * a fake.
 */

/** `owner/name` split in two, as the REST paths want it. */
export interface RepositoryName {
  owner: string;
  repo: string;
}

/** The states a deployment status can take (GitHub's own list). */
export const DEPLOYMENT_STATES = [
  'error',
  'failure',
  'inactive',
  'in_progress',
  'queued',
  'pending',
  'success',
] as const;
export type DeploymentState = (typeof DEPLOYMENT_STATES)[number];

/** POST /repos/{owner}/{repo}/deployments, in this project's words. */
export interface NewDeployment {
  /** The commit deployed (a SHA, so that a branch moving meanwhile cannot change what is recorded). */
  ref: string;
  environment: string;
  description: string;
  /** Per-branch preview environments: GitHub never deactivates them by itself. */
  transientEnvironment: boolean;
  productionEnvironment: boolean;
}

/** POST /repos/{owner}/{repo}/deployments/{id}/statuses. */
export interface NewDeploymentStatus {
  state: DeploymentState;
  description?: string;
  /** The workflow run that did the deploy. */
  logUrl?: string;
  /** Where the deployed service answers; only on success. */
  environmentUrl?: string;
  /** GitHub marks earlier successful deployments of a non-transient, non-production environment inactive. */
  autoInactive: boolean;
}

/** What this project reads back of a deployment. */
export interface Deployment {
  id: number;
  sha: string;
  environment: string;
  transientEnvironment: boolean;
  productionEnvironment: boolean;
}

export interface DeploymentsApi {
  createDeployment(deployment: NewDeployment): Promise<Deployment>;
  createStatus(deploymentId: number, status: NewDeploymentStatus): Promise<void>;
  getDeployment(deploymentId: number): Promise<Deployment>;
  /** The environment's deployments, newest first: the first 100, which is plenty to find the active ones. */
  listDeployments(environment: string): Promise<Deployment[]>;
  /** The state of the deployment's latest status; undefined when it has none. */
  latestState(deploymentId: number): Promise<DeploymentState | undefined>;
}
