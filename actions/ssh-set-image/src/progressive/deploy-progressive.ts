/*
 * A canary or blue/green deploy from the action's inputs: Prometheus reached (and checked) first, then
 * the strategy on the target, then what the step reports: the deploy's outputs as a rolling deploy gives
 * them, and the steps' figures.
 */
import { type Clock, systemClock } from '../../../lib/src/clock.js';
import { ConfigurationError, info } from '../../../lib/src/index.js';
import {
  type Deployment,
  deploymentImages,
  deploymentRevision,
  revisionOf,
  templateHashOf,
} from '../../../lib/src/kubectl/index.js';
import { PrometheusClient } from '../../../lib/src/prometheus/index.js';
import { type ChannelOpener, forwardLocalPort } from '../../../lib/src/ssh/index.js';
import type { DeployTarget } from '../../../lib/src/target/index.js';
import { type DeployResult, describeImages } from '../deploy.js';
import { runBlueGreen } from './blue-green.js';
import { runCanary } from './canary.js';
import type { ProgressiveInputs } from './inputs.js';
import type { ProgressiveResult } from './plan.js';

export interface ProgressiveRequest {
  /** The Deployment as it runs now: the version the new one is compared with and falls back to. */
  stable: Deployment;
  namespace: string;
  deployment: string;
  images: Readonly<Record<string, string>>;
  changeCause: string;
  settings: ProgressiveInputs;
}

export interface ProgressiveOutcome {
  result: ProgressiveResult;
  deploy: DeployResult;
}

async function openPrometheus(
  settings: ProgressiveInputs,
  ssh: ChannelOpener | undefined,
): Promise<{ client: PrometheusClient; where: string; close(): Promise<void> }> {
  const location = settings.prometheus;
  if ('url' in location) {
    return { client: new PrometheusClient(location.url), where: location.url, close: async () => {} };
  }
  if (!ssh) {
    throw new ConfigurationError(
      'prometheus-address is reached through the SSH connection to the node; without one, set prometheus-url.',
    );
  }
  const forward = await forwardLocalPort(ssh, location.host, location.port);
  return {
    client: new PrometheusClient(`http://${forward.address}`),
    where: `${location.host}:${location.port} on the node (forwarded over SSH)`,
    close: () => forward.close(),
  };
}

export async function deployProgressively(
  target: DeployTarget,
  ssh: ChannelOpener | undefined,
  request: ProgressiveRequest,
  clock: Clock = systemClock,
): Promise<ProgressiveOutcome> {
  const { namespace, deployment, settings, stable } = request;
  const previousRevision = deploymentRevision(stable);
  const previousImage = describeImages(deploymentImages(stable), Object.keys(request.images));

  const prometheus = await openPrometheus(settings, ssh);
  try {
    // A Prometheus that cannot answer would fail the first step with the new version already serving.
    await prometheus.client.scalar('vector(1)');
    info(`Prometheus answers at ${prometheus.where}`);
    const deploy = {
      target,
      prometheus: prometheus.client,
      clock,
      namespace,
      deployment,
      images: request.images,
      changeCause: request.changeCause,
      analysis: settings.analysis,
      stepMs: settings.stepMs,
      intervalMs: settings.intervalMs,
      readyTimeoutMs: settings.readyTimeoutMs,
    };
    const result =
      settings.strategy === 'canary'
        ? await runCanary(deploy, stable, settings.weights)
        : await runBlueGreen(deploy, stable, settings.service);
    const after = (await target.deployment(namespace, deployment)) ?? stable;
    const revision = deploymentRevision(after);
    const sets = await target.replicaSetsOf(namespace, after);
    const current = sets.find((set) => revisionOf(set) === revision);
    return {
      result,
      deploy: {
        previousImage,
        previousRevision,
        revision,
        podTemplateHash: (current && templateHashOf(current)) ?? '',
        bootstrapped: false,
        changed: result.outcome === 'promoted',
      },
    };
  } finally {
    await prometheus.close();
  }
}
