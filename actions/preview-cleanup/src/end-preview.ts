/*
 * Ending one preview: its namespace (and everything in it) on the cluster, then its record on GitHub. The
 * cluster comes first: a namespace this action may not delete stops everything before GitHub is touched.
 */
import type { DeployTarget } from '../../lib/src/target/index.js';
import { checkPreview, type PreviewRule } from './safety.js';

/** GitHub's record of a preview environment (named after its namespace), as far as ending it goes. */
export interface PreviewRecords {
  /** Marks every deployment of the environment inactive, then deletes it unless told to keep it. */
  tearDown(environment: string, deleteEnvironment: boolean): Promise<RecordsTornDown>;
  /** The repository's branches, every page: what a sweep keeps previews for. */
  branches(): Promise<string[]>;
}

export interface RecordsTornDown {
  deployments: { marked: number; alreadyInactive: number };
  environment: 'deleted' | 'absent' | 'kept' | 'not-permitted';
  /** Why the environment was not deleted, when GitHub said the token may not. */
  refusal?: string;
}

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
  environment: RecordsTornDown['environment'] | 'no-token';
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

  const torn = await plan.records.tearDown(plan.namespace, plan.deleteEnvironment);
  log(
    `GitHub environment ${plan.namespace}: ${torn.deployments.marked} deployment(s) marked inactive, ` +
      `${torn.deployments.alreadyInactive} already inactive; the environment ${torn.environment === 'not-permitted' ? 'stays' : torn.environment}.`,
  );
  return {
    namespace: plan.namespace,
    cluster,
    deployments: torn.deployments,
    environment: torn.environment,
    ...(torn.refusal !== undefined && { environmentMessage: torn.refusal }),
  };
}
