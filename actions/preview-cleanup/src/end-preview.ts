/*
 * Ending one preview: its namespace (and everything in it) on the cluster, then its record on GitHub. The
 * cluster comes first: a namespace this action may not delete stops everything before GitHub is touched.
 */
import type { DeployTarget } from '../../lib/src/target/index.js';
import { checkPreview, type PreviewRule } from './safety.js';

/** GitHub's record of a preview environment (named after its namespace), as far as ending it goes. */
export interface PreviewRecords {
  /** Marks every deployment of the environment inactive. */
  deactivate(environment: string): Promise<{ marked: number; alreadyInactive: number }>;
  /** The repository's branches, every page: what a sweep keeps previews for. */
  branches(): Promise<string[]>;
  /** Deletes the environment; a token without the administration permission gets a refusal, not an error. */
  deleteEnvironment(environment: string): Promise<EnvironmentDeletion>;
}

export type EnvironmentDeletion =
  | { result: 'deleted' | 'absent' }
  | { result: 'not-permitted'; message: string };

export interface EndPreviewPlan extends PreviewRule {
  namespace: string;
  deleteTimeoutSeconds: number;
  /** Absent without a token: GitHub is left as it is. */
  records?: PreviewRecords;
  deleteEnvironment: boolean;
}

export interface EndPreviewReport {
  namespace: string;
  /** `deleted`, or `absent` when there was no such namespace (a second run, or never deployed). */
  cluster: 'deleted' | 'absent';
  deployments?: { marked: number; alreadyInactive: number };
  environment: EnvironmentDeletion['result'] | 'kept' | 'no-token';
  /** Why the environment was not deleted, when GitHub said the token may not. */
  environmentMessage?: string;
}

export async function endPreview(
  target: Pick<DeployTarget, 'namespace' | 'deleteNamespace'>,
  plan: EndPreviewPlan,
  log: (line: string) => void,
): Promise<EndPreviewReport> {
  const existing = await target.namespace(plan.namespace);
  checkPreview(plan.namespace, existing, plan);
  let cluster: EndPreviewReport['cluster'] = 'absent';
  if (existing === undefined)
    log(`Namespace ${plan.namespace} does not exist: nothing to delete on the cluster.`);
  else {
    log(
      `Deleting namespace ${plan.namespace} and waiting until it is gone (up to ${plan.deleteTimeoutSeconds} s)…`,
    );
    cluster = await target.deleteNamespace(plan.namespace, plan.deleteTimeoutSeconds);
    log(
      cluster === 'deleted'
        ? `Namespace ${plan.namespace} is gone.`
        : `Namespace ${plan.namespace} was already gone.`,
    );
  }
  if (!plan.records) return { namespace: plan.namespace, cluster, environment: 'no-token' };

  const deployments = await plan.records.deactivate(plan.namespace);
  log(
    `GitHub environment ${plan.namespace}: ${deployments.marked} deployment(s) marked inactive, ` +
      `${deployments.alreadyInactive} already inactive.`,
  );
  if (!plan.deleteEnvironment)
    return { namespace: plan.namespace, cluster, deployments, environment: 'kept' };
  const deletion = await plan.records.deleteEnvironment(plan.namespace);
  return {
    namespace: plan.namespace,
    cluster,
    deployments,
    environment: deletion.result,
    ...(deletion.result === 'not-permitted' && { environmentMessage: deletion.message }),
  };
}
