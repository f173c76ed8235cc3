import { PREVIEW_LABEL, previewNamespace } from '../../lib/src/derived-names.js';
import {
  errorMessage,
  info,
  readRunContext,
  runAction,
  setOutputs,
  warning,
  writeJobSummary,
} from '../../lib/src/index.js';
import { defaultSshAccessDeps, type SshAccessDeps } from '../../lib/src/ssh/index.js';
import { type DeployTarget, openTarget } from '../../lib/src/target/index.js';
import type { EndedBranch } from './branch.js';
import { type EndPreviewPlan, endPreview, type PreviewRecords } from './end-preview.js';
import { getInputs, type PreviewCleanupInputs, type SweepInputs } from './inputs.js';
import { githubPreviewRecords } from './records.js';
import { cleanupSummary, sweepSummary } from './summary.js';
import { stalePreviews } from './sweep.js';

export interface PreviewCleanupDeps {
  ssh: SshAccessDeps;
  /** GitHub's records of the repository's environments, for a token. */
  records: (token: string, repository: string) => PreviewRecords;
  now: () => number;
}

export const defaultDeps = (): PreviewCleanupDeps => ({
  ssh: defaultSshAccessDeps(),
  records: githubPreviewRecords,
  now: Date.now,
});

type Cluster = Pick<DeployTarget, 'namespace' | 'namespaces' | 'deleteNamespace'>;

function planFor(namespace: string, inputs: PreviewCleanupInputs, records?: PreviewRecords): EndPreviewPlan {
  return {
    namespace,
    prefix: inputs.prefix,
    protectedNamespaces: inputs.protectedNamespaces,
    deleteTimeoutSeconds: inputs.deleteTimeoutSeconds,
    deleteEnvironment: inputs.deleteEnvironment,
    ...(records && { records }),
  };
}

async function endBranchPreview(
  cluster: Cluster,
  branch: EndedBranch,
  inputs: PreviewCleanupInputs,
  records: PreviewRecords | undefined,
): Promise<void> {
  const namespace = previewNamespace(inputs.prefix, branch.name, branch.full);
  info(`The preview of ${branch.full} is namespace ${namespace}.`);
  const report = await endPreview(cluster, planFor(namespace, inputs, records), info);
  setOutputs({
    namespace,
    cluster: report.cluster,
    'deployments-inactive': report.deployments?.marked ?? 0,
    environment: report.environment,
    stale: '',
  });
  if (report.environmentMessage) warning(report.environmentMessage);
  await writeJobSummary(cleanupSummary(branch.name, report));
  if (report.cluster === 'absent' && report.environment !== 'deleted' && !report.deployments?.marked) {
    info(`Nothing to do: the preview of ${branch.name} was already gone.`);
  }
}

async function sweep(
  cluster: Cluster,
  options: SweepInputs,
  inputs: PreviewCleanupInputs,
  records: PreviewRecords | undefined,
  now: number,
): Promise<void> {
  const previews = await cluster.namespaces({ matchLabels: { [PREVIEW_LABEL]: 'true' } });
  const stale = stalePreviews(previews, {
    prefix: inputs.prefix,
    now,
    ...(options.maxAgeMs !== undefined && { maxAgeMs: options.maxAgeMs }),
    ...(records && { liveBranches: await records.branches() }),
  });
  info(`${previews.length} preview namespace(s), ${stale.length} stale.`);
  for (const preview of stale) info(`  ${preview.namespace} (${preview.ageHours} h old): ${preview.reason}`);
  const ended: string[] = [];
  const failed: string[] = [];
  if (options.dryRun) {
    if (stale.length > 0) info('Dry run: nothing was deleted. Set dry-run: false to delete them.');
  } else {
    for (const preview of stale) {
      try {
        const report = await endPreview(cluster, planFor(preview.namespace, inputs, records), info);
        if (report.environmentMessage) warning(report.environmentMessage);
        ended.push(preview.namespace);
      } catch (error) {
        // One preview that cannot go must not keep the others: each is reported, the step fails at the end.
        failed.push(`${preview.namespace}: ${errorMessage(error)}`);
      }
    }
  }
  setOutputs({
    namespace: '',
    cluster: '',
    'deployments-inactive': '',
    environment: '',
    stale: stale.map((preview) => preview.namespace).join('\n'),
  });
  await writeJobSummary(sweepSummary(stale, { dryRun: options.dryRun, ended, failed }));
  if (failed.length > 0)
    throw new Error(`${failed.length} stale preview(s) could not be ended:\n${failed.join('\n')}`);
}

export async function run(deps: PreviewCleanupDeps = defaultDeps()): Promise<void> {
  await runAction('preview-cleanup', async () => {
    const context = readRunContext();
    const inputs = getInputs(context);
    const records = inputs.token === undefined ? undefined : deps.records(inputs.token, context.repository);
    const cluster = await openTarget(inputs.target, { deps: deps.ssh });
    try {
      if ('branch' in inputs.mode)
        await endBranchPreview(cluster.target, inputs.mode.branch, inputs, records);
      else await sweep(cluster.target, inputs.mode.sweep, inputs, records, deps.now());
    } finally {
      await cluster.close();
    }
  });
}
