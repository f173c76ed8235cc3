import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../../runner/src/paths.js';
import { ensureNodeBaseImage } from '../../../sandbox/src/base-image.js';
import type { Starter } from '../../../sandbox/src/sandbox.js';
import { ensureServiceBundle } from '../../../service/build/bundle.js';
import type { Writer } from '../output.js';
import type { CommandResult } from '../run-command.js';
import { pipelinePhases } from './pipeline-phases.js';
import { closingReport } from './report.js';
import { bringUpSandbox, type DemoEndpoints, type SandboxReady } from './sandbox-setup.js';
import { askService, type ServiceAnswers } from './service-check.js';
import { shipOnSandbox } from './ship.js';
import { Timeline } from './timeline.js';

export interface DemoOptions {
  /** Where the person watching reads progress and the summary. */
  out: Writer;
  /** `user` (default): the sandbox stays up until `npm run sandbox -- down`; tests pass `tests`. */
  startedBy?: Starter;
  /** Prefix of the namespace (`dev` by default); tests give their own so as not to touch a person's demo. */
  namespacePrefix?: string;
  /** Repository in the sandbox registry. */
  repository?: string;
  /** `key=value` label put on the demo's images, to find them again. */
  imageLabel?: string;
  clock?: () => number;
  /** Every line of every step (`npm run demo -- --verbose`); by default a few lines per step. */
  verbose?: boolean;
}

export interface DemoResult {
  succeeded: boolean;
  timeline: Timeline;
  /** The pipeline's outputs (`k8s-ship pipeline --json`), when it ran. */
  outputs: Record<string, string>;
  answers?: ServiceAnswers;
  endpoints?: DemoEndpoints;
}

const SCAN_NOTICE =
  'scan: Trivy built from its sources (sandbox/trivy; the first run compiles it) scans the image just built,\n' +
  '      offline, against a DB made here from the advisories in sandbox/trivy/advisories.json: real advisories,\n' +
  '      but only those few. In GitHub Actions the action installs the pinned Trivy release and its public DB.\n';

/**
 * `npm run demo` without the machine setup: sandbox up (reused when it runs), the service's bundle and
 * base images, then `k8s-ship pipeline` (the root action.yml through the composite runner and the
 * committed bundles, as GitHub runs it) to build, push, scan, deploy to dev over SSH and watch the
 * rollout, and last the service answering through the sandbox's service proxy. Stops nothing.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const { out } = options;
  const clock = options.clock ?? Date.now;
  const timeline = new Timeline(out, clock);
  const result: DemoResult = { succeeded: false, timeline, outputs: {} };
  const demoDir = join(repoRoot, '.state', 'demo');
  mkdirSync(demoDir, { recursive: true });
  let ready: SandboxReady | undefined;
  let baseImages = { build: '', runtime: '' };
  try {
    await timeline.run(
      'sandbox',
      'Sandbox: Docker engine, registry, Kubernetes, SSH host (the control-plane node)',
      async () => {
        ready = await bringUpSandbox(options.startedBy ?? 'user');
        result.endpoints = ready.endpoints;
        out.write(`  Kubernetes ${ready.endpoints.kube.version}, ${ready.endpoints.kube.url}\n`);
        const reused = ready.reused.length > 0 ? `reused ${ready.reused.join(', ')}` : '';
        const started = ready.started.length > 0 ? `started ${ready.started.join(', ')}` : '';
        return [reused, started].filter(Boolean).join('; ');
      },
    );
    await timeline.run(
      'bundle',
      'Service bundle: service/dist/index.js (ncc, when its sources changed)',
      async () => {
        const show = options.verbose ? (line: string) => out.write(`  │ ${line}\n`) : undefined;
        const { built, inputsHash } = await ensureServiceBundle(show);
        const sources = `sources ${inputsHash.slice(0, 12)}`;
        return built ? `built from ${sources}` : `current, kept (${sources})`;
      },
    );
    await timeline.run(
      'base images',
      'Base images: the local Node images (nothing can be pulled here)',
      async () => {
        const engine = { host: ready!.endpoints.docker.host };
        baseImages = {
          build: await ensureNodeBaseImage(engine, 'build'),
          runtime: await ensureNodeBaseImage(engine, 'runtime'),
        };
        return `${baseImages.build}, ${baseImages.runtime}`;
      },
    );
    out.write(
      '\n== k8s-ship pipeline: the root action.yml through the composite runner, as GitHub runs it\n' +
        SCAN_NOTICE,
    );
    const pipeline = await runPipeline(ready!, baseImages, demoDir, options, clock).catch((error: Error) => {
      timeline.add({ label: 'pipeline', durationMs: 0, outcome: 'failure', detail: error.message });
      throw error;
    });
    result.outputs = pipeline.outputs;
    for (const phase of pipelinePhases(pipeline.result, pipeline.outputs)) timeline.add(phase);
    if (!pipeline.result.succeeded) throw new Error('the pipeline failed');
    const namespace = pipeline.outputs.namespace as string;
    await timeline.run('check', 'Check: the service through the API server’s service proxy', async () => {
      const answers = await askService(ready!.endpoints.kube.proxyUrl, namespace);
      result.answers = answers;
      out.write(`  GET ${answers.url}/health          ${JSON.stringify(answers.health)}\n`);
      out.write(`  GET ${answers.url}/info            ${JSON.stringify(answers.info)}\n`);
      out.write(`  GET ${answers.url}/metrics/system  ${JSON.stringify(answers.system)}\n`);
      if (answers.info.environment !== 'dev') {
        throw new Error(`/info says environment '${answers.info.environment}', expected 'dev'`);
      }
      return `${answers.url} answers: environment ${answers.info.environment}`;
    });
    result.succeeded = timeline.succeeded;
  } catch {
    result.succeeded = false;
  }
  out.write(closingReport(result));
  return result;
}

async function runPipeline(
  ready: SandboxReady,
  baseImages: { build: string; runtime: string },
  demoDir: string,
  options: DemoOptions,
  clock: () => number,
): Promise<{ result: CommandResult; outputs: Record<string, string> }> {
  const shipment = await shipOnSandbox({
    ready,
    plan: {
      repository: options.repository ?? 'k8s-ship/service',
      baseImages,
      imageLabel: options.imageLabel ?? 'k8s-ship.demo=true',
      trivyCacheDir: join(demoDir, 'trivy-cache'),
      namespacePrefix: options.namespacePrefix ?? '',
      verbose: options.verbose ?? false,
    },
    workDir: demoDir,
    // Each demo build is a new image, so a second run is a real update rollout.
    sourceDateEpoch: Math.floor(clock() / 1000),
    progress: options.out,
  });
  // Without a result the CLI stopped before any step (a usage error, printed above).
  if (!shipment.result) throw new Error('k8s-ship pipeline did not run');
  return { result: shipment.result, outputs: shipment.outputs };
}
