import { isPinnedByDigest } from '../../lib/src/docker/image-ref.js';
import {
  code,
  group,
  readRunContext,
  runAction,
  setOutputs,
  table,
  warning,
  writeJobSummary,
} from '../../lib/src/index.js';
import {
  defaultSshAccessDeps,
  forgetSecretConnectionInputs,
  type SshAccessDeps,
} from '../../lib/src/ssh/index.js';
import { type DeployTarget, openTarget } from '../../lib/src/target/index.js';
import { renderBootstrapManifests } from './bootstrap.js';
import { changeCause } from './change-cause.js';
import { type DeployResult, deployImage } from './deploy.js';
import { getInputs, type SetImageInputs } from './inputs.js';

export type SetImageDeps = SshAccessDeps;

async function deploy(inputs: SetImageInputs, target: DeployTarget): Promise<DeployResult> {
  const { overlayDir } = inputs;
  return deployImage(target, {
    namespace: inputs.namespace,
    deployment: inputs.deployment,
    images: inputs.images,
    changeCause: inputs.changeCause ?? changeCause(inputs.image, readRunContext()),
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
    forgetSecretConnectionInputs();
    if (!isPinnedByDigest(inputs.image)) {
      warning(
        `The image ${inputs.image} is not pinned by digest: a tag can be moved under a running Deployment.`,
      );
    }
    const cluster = await group('Connect', () => openTarget(inputs.target, { deps }));
    try {
      const result = await group(`Set the image of ${inputs.namespace}/${inputs.deployment}`, () =>
        deploy(inputs, cluster.target),
      );
      setOutputs({
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
      ]);
    } finally {
      await cluster.close();
    }
  });
}
