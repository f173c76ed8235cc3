import { environmentDeletionRefusal } from '../../src/github/api-errors.js';
import type {
  Deployment,
  DeploymentState,
  DeploymentsApi,
  EnvironmentDeletion,
  NewDeployment,
  NewDeploymentStatus,
} from '../../src/github/deployments-api.js';

interface FakeDeployment {
  deployment: Deployment;
  /** Oldest first. */
  statuses: NewDeploymentStatus[];
}

/**
 * A DeploymentsApi for unit tests: deployments, environments and branches in memory, each call recorded as
 * one line (`status 7 inactive`, `delete-environment preview-x`). Set `refuseEnvironmentDeletion` to answer
 * as GitHub answers the job's GITHUB_TOKEN.
 */
export class FakeDeploymentsApi implements DeploymentsApi {
  readonly calls: string[] = [];
  readonly deployments: FakeDeployment[] = [];
  readonly environments = new Set<string>();
  readonly branches = new Set<string>(['main']);
  refuseEnvironmentDeletion = false;
  private nextId = 1;

  /** A deployment made earlier, with its statuses' states, oldest first. */
  seed(environment: string, states: DeploymentState[]): Deployment {
    const deployment = this.add(environment);
    this.find(deployment.id).statuses.push(...states.map((state) => ({ state, autoInactive: false })));
    return deployment;
  }

  latestOf(deploymentId: number): DeploymentState | undefined {
    return this.find(deploymentId).statuses.at(-1)?.state;
  }

  async createDeployment(deployment: NewDeployment): Promise<Deployment> {
    this.calls.push(`create ${deployment.environment}`);
    return this.add(deployment.environment, deployment);
  }

  async createStatus(deploymentId: number, status: NewDeploymentStatus): Promise<void> {
    this.calls.push(`status ${deploymentId} ${status.state}`);
    this.find(deploymentId).statuses.push(status);
  }

  async getDeployment(deploymentId: number): Promise<Deployment> {
    this.calls.push(`get ${deploymentId}`);
    return this.find(deploymentId).deployment;
  }

  async listDeployments(environment: string): Promise<Deployment[]> {
    this.calls.push(`list ${environment}`);
    return this.ofEnvironment(environment).slice(0, 100);
  }

  async listAllDeployments(environment: string): Promise<Deployment[]> {
    this.calls.push(`list-all ${environment}`);
    return this.ofEnvironment(environment);
  }

  async latestState(deploymentId: number): Promise<DeploymentState | undefined> {
    this.calls.push(`latest ${deploymentId}`);
    return this.latestOf(deploymentId);
  }

  async deleteEnvironment(environment: string): Promise<EnvironmentDeletion> {
    this.calls.push(`delete-environment ${environment}`);
    if (this.refuseEnvironmentDeletion) {
      const said = 'Resource not accessible by integration';
      return {
        result: 'not-permitted',
        status: 403,
        githubMessage: said,
        message: environmentDeletionRefusal(environment, 403, said),
      };
    }
    return this.environments.delete(environment) ? { result: 'deleted' } : { result: 'absent' };
  }

  async branchExists(branch: string): Promise<boolean> {
    this.calls.push(`branch ${branch}`);
    return this.branches.has(branch);
  }

  async listBranches(): Promise<string[]> {
    this.calls.push('list-branches');
    return [...this.branches].sort();
  }

  private add(environment: string, flags: Partial<NewDeployment> = {}): Deployment {
    const deployment: Deployment = {
      id: this.nextId++,
      sha: flags.ref ?? 'a'.repeat(40),
      environment,
      transientEnvironment: flags.transientEnvironment ?? true,
      productionEnvironment: flags.productionEnvironment ?? false,
    };
    this.deployments.push({ deployment, statuses: [] });
    this.environments.add(environment);
    return deployment;
  }

  private find(deploymentId: number): FakeDeployment {
    const found = this.deployments.find((d) => d.deployment.id === deploymentId);
    if (!found) throw new Error(`no deployment ${deploymentId}`);
    return found;
  }

  /** Newest first, as GitHub lists them. */
  private ofEnvironment(environment: string): Deployment[] {
    return this.deployments
      .filter((d) => d.deployment.environment === environment)
      .map((d) => d.deployment)
      .reverse();
  }
}
