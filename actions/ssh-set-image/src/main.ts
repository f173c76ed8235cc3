import { isPinnedByDigest } from '../../lib/src/docker/image-ref.js';
import {
  code,
  group,
  info,
  readRunContext,
  runAction,
  setOutputs,
  table,
  warning,
  writeJobSummary,
} from '../../lib/src/index.js';
import { type Deployment, deploymentImages } from '../../lib/src/kubectl/index.js';
import { type ChannelOpener, defaultSshAccessDeps, type SshAccessDeps } from '../../lib/src/ssh/index.js';
import { type DeployTarget, openTarget } from '../../lib/src/target/index.js';
import { renderBootstrapManifests } from './bootstrap.js';
import { changeCause } from './change-cause.js';
import { type DeployResult, deployImage } from './deploy.js';
import { getInputs, type SetImageInputs } from './inputs.js';
import { deployProgressively } from './progressive/deploy-progressive.js';
import { analysisOutput, summaryParts } from './progressive/report.js';

export type SetImageDeps = SshAccessDeps;

interface DeployOutcome {
  result: DeployResult;
  /** The progressive deploy's summary and outputs, when one ran. */
  summary?: string[];
  outputs?: Record<string, string>;
  /** Why a progressive deploy was aborted: the step fails with it once everything is reported. */
  aborted?: string;
}

/**
 * The stable version a canary or blue/green deploy starts from: none for a first deploy, or one that
 * changes nothing, which go the rolling way.
 */
async function stableVersion(inputs: SetImageInputs, target: DeployTarget): Promise<Deployment | undefined> {
  if (!inputs.progressive) return undefined;
  const current = await target.deployment(inputs.namespace, inputs.deployment);
  if (!current) {
    info(
      `${inputs.progressive.strategy}: a first deploy has no stable version to compare with; creating it as a rolling deploy`,
    );
    return undefined;
  }
  const running = deploymentImages(current);
  const changes = Object.entries(inputs.images).some(([container, image]) => running[container] !== image);
  return changes ? current : undefined;
}

async function deploy(
  inputs: SetImageInputs,
  target: DeployTarget,
  ssh: ChannelOpener | undefined,
): Promise<DeployOutcome> {
  const cause = inputs.changeCause ?? changeCause(inputs.image, readRunContext());
  const stable = await stableVersion(inputs, target);
  if (inputs.progressive && stable) {
    const { result, deploy } = await deployProgressively(target, ssh, {
      stable,
      namespace: inputs.namespace,
      deployment: inputs.deployment,
      images: inputs.images,
      changeCause: cause,
      settings: inputs.progressive,
    });
    return {
      result: deploy,
      summary: summaryParts(result, inputs.progressive.analysis),
      outputs: { outcome: result.outcome, analysis: analysisOutput(result) },
      ...(result.outcome === 'aborted' && {
        aborted: `${result.strategy} aborted: ${result.reasons.join('; ')}. The stable version serves all traffic.`,
      }),
    };
  }
  return { result: await rolling(inputs, target, cause), outputs: { outcome: 'rolled', analysis: '[]' } };
}

function rolling(inputs: SetImageInputs, target: DeployTarget, cause: string): Promise<DeployResult> {
  const { overlayDir } = inputs;
  return deployImage(target, {
    namespace: inputs.namespace,
    deployment: inputs.deployment,
    images: inputs.images,
    changeCause: cause,
    revisionTimeoutMs: inputs.revisionTimeoutMs,
    ...(overlayDir !== undefined && {
      bootstrap: () =>
        renderBootstrapManifests({
          overlayDir,
          namespace: inputs.namespace,
          deployment: inputs.deployment,
          images: inputs.images,
        }),
    }),
  });
}

export async function run(deps: SetImageDeps = defaultSshAccessDeps()): Promise<void> {
  await runAction('ssh-set-image', async () => {
    const inputs = getInputs();
    if (!isPinnedByDigest(inputs.image)) {
      warning(
        `The image ${inputs.image} is not pinned by digest: a tag can be moved under a running Deployment.`,
      );
    }
    const cluster = await group('Connect', () => openTarget(inputs.target, { deps }));
    try {
      const strategy = inputs.progressive?.strategy ?? 'rolling';
      const outcome = await group(`Deploy to ${inputs.namespace}/${inputs.deployment} (${strategy})`, () =>
        deploy(inputs, cluster.target, cluster.ssh),
      );
      const { result } = outcome;
      setOutputs({
        ...outcome.outputs,
        'previous-image': result.previousImage,
        'previous-revision': result.previousRevision,
        revision: result.revision,
        'pod-template-hash': result.podTemplateHash,
        bootstrapped: result.bootstrapped,
        changed: result.changed,
      });
      await writeJobSummary([
        table(
          ['Deployment', 'Image', 'Previous image', 'Revision'],
          [
            [
              code(`${inputs.namespace}/${inputs.deployment}`),
              code(inputs.image),
              result.bootstrapped ? 'first deploy' : code(result.previousImage),
              `${result.previousRevision} → ${result.revision}`,
            ],
          ],
        ),
        ...(outcome.summary ?? []),
      ]);
      if (outcome.aborted) throw new Error(outcome.aborted);
    } finally {
      await cluster.close();
    }
  });
}
