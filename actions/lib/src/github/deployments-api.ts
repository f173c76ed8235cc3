/*
 * The part of GitHub's REST API the deployment actions need, as an interface: deployments and their
 * statuses (deployment-status), and for ending a preview the environment they live in and the branch they
 * came from. The real implementation speaks to GITHUB_API_URL through @actions/github
 * (github-deployments.ts), unit tests pass a fake.
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

/**
 * What DELETE /repos/{owner}/{repo}/environments/{name} came to. A token that may not delete environments
 * is an answer here, not an error: the job's GITHUB_TOKEN never may, and the caller says so and goes on.
 */
export type EnvironmentDeletion =
  | { result: 'deleted' }
  /** GitHub answered 404: there is no such environment (any more), so there was nothing to delete. */
  | { result: 'absent' }
  | {
      result: 'not-permitted';
      status: 401 | 403;
      /** What GitHub said, e.g. `Resource not accessible by integration`. */
      githubMessage: string;
      /** The refusal in words a reader can act on: which tokens can delete environments. */
      message: string;
    };

export interface DeploymentsApi {
  createDeployment(deployment: NewDeployment): Promise<Deployment>;
  createStatus(deploymentId: number, status: NewDeploymentStatus): Promise<void>;
  getDeployment(deploymentId: number): Promise<Deployment>;
  /** The environment's deployments, newest first: the first 100, which is plenty to find the active ones. */
  listDeployments(environment: string): Promise<Deployment[]>;
  /** Every deployment of the environment, newest first, page after page: what a cleanup must see. */
  listAllDeployments(environment: string): Promise<Deployment[]>;
  /** The state of the deployment's latest status; undefined when it has none. */
  latestState(deploymentId: number): Promise<DeploymentState | undefined>;
  /** Deletes the environment (its secrets and protection rules with it). */
  deleteEnvironment(environment: string): Promise<EnvironmentDeletion>;
  /** False only when GitHub says `Branch not found`; any other answer it cannot read is an error. */
  branchExists(branch: string): Promise<boolean>;
  /** The names of every branch of the repository, page after page. */
  listBranches(): Promise<string[]>;
}
