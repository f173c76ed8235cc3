import { previewNamespace } from '../../lib/src/derived-names.js';
import {
  info,
  readRunContext,
  runAction,
  setOutputs,
  warning,
  writeJobSummary,
} from '../../lib/src/index.js';
import { defaultSshAccessDeps, type SshAccessDeps } from '../../lib/src/ssh/index.js';
import { openTarget } from '../../lib/src/target/index.js';
import { endPreview, type PreviewRecords } from './end-preview.js';
import { getInputs } from './inputs.js';
import { githubPreviewRecords } from './records.js';
import { cleanupSummary } from './summary.js';

export interface PreviewCleanupDeps {
  ssh: SshAccessDeps;
  /** GitHub's records of the repository's environments, for a token. */
  records: (token: string, repository: string) => PreviewRecords;
}

export const defaultDeps = (): PreviewCleanupDeps => ({
  ssh: defaultSshAccessDeps(),
  records: githubPreviewRecords,
});

export async function run(deps: PreviewCleanupDeps = defaultDeps()): Promise<void> {
  await runAction('preview-cleanup', async () => {
    const context = readRunContext();
    const inputs = getInputs(context);
    const namespace = previewNamespace(inputs.prefix, inputs.branch.name, inputs.branch.full);
    info(`The preview of ${inputs.branch.full} is namespace ${namespace}.`);
    const cluster = await openTarget(inputs.target, { deps: deps.ssh });
    try {
      const report = await endPreview(
        cluster.target,
        {
          namespace,
          prefix: inputs.prefix,
          protectedNamespaces: inputs.protectedNamespaces,
          deleteTimeoutSeconds: inputs.deleteTimeoutSeconds,
          deleteEnvironment: inputs.deleteEnvironment,
          ...(inputs.token !== undefined && { records: deps.records(inputs.token, context.repository) }),
        },
        info,
      );
      setOutputs({
        namespace,
        cluster: report.cluster,
        'deployments-inactive': report.deployments?.marked ?? 0,
        environment: report.environment,
      });
      if (report.environmentMessage) warning(report.environmentMessage);
      await writeJobSummary(cleanupSummary(inputs.branch.name, report));
      if (report.cluster === 'absent' && report.environment !== 'deleted' && !report.deployments?.marked) {
        info(`Nothing to do: the preview of ${inputs.branch.name} was already gone.`);
      }
    } finally {
      await cluster.close();
    }
  });
}
