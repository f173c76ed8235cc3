import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteManifest, readManifest } from '../../actions/build-push/test/registry-api.js';
import type { CommandResult } from '../../actions/lib/src/command.js';
import { sshKubectl } from '../../actions/lib/src/kubectl/index.js';
import { openSandboxSsh } from '../../actions/lib/test/ssh/sandbox-ssh.js';
import { bringUpSandbox, type SandboxReady } from '../../cli/src/demo/sandbox-setup.js';
import { type Shipment, shipOnSandbox } from '../../cli/src/demo/ship.js';
import { ensureNodeBaseImage } from '../../sandbox/src/base-image.js';
import { removeImagesLabelled, useSandbox } from '../../sandbox/src/testing.js';
import { ensureServiceBundle } from '../../service/build/bundle.js';
import { Kubectl } from './kubectl.js';

/** One push or manual run of the pipeline, as the deploy workflow would start it. */
export interface Scenario {
  branch: string;
  /** The workflow_dispatch `environment` choice, which the reusable pipeline passes to the root action. */
  environment?: string;
  preview?: boolean;
  /** service/Dockerfile's RUNTIME_IMAGE; the good local Node runtime when not given. */
  runtimeImage?: string;
  /** More root action inputs as `--name value` pairs. */
  extraArguments?: readonly string[];
}

/**
 * The sandbox and what every scenario shares: one service bundle, the local bases, one build time (the
 * same commit builds to one digest, so scenarios after the first reuse the image), and a namespace prefix
 * and repository of this run's own, so that neither another run nor a person's `dev` demo is touched.
 * Remembers what the scenarios create and removes it in cleanup().
 */
export class E2eSandbox {
  readonly namespacePrefix = `e2e-${process.pid}-`;
  readonly repository = `k8s-ship-e2e/service-${process.pid}`;
  /** On every image this run builds, to remove them afterwards. */
  readonly imageLabel = `k8s-ship.test=e2e-${process.pid}`;
  readonly kubectl: Kubectl;
  private readonly namespaces = new Set<string>();
  private readonly digests = new Set<string>();
  private readonly runFolders = new Set<string>();
  private readonly sourceDateEpoch = Math.floor(Date.now() / 1000);
  private log = '';

  private constructor(
    readonly ready: SandboxReady,
    readonly baseImages: { build: string; runtime: string },
    private readonly workDir: string,
  ) {
    this.kubectl = new Kubectl(ready.endpoints.kube.kubeconfig);
  }

  static async start(): Promise<E2eSandbox> {
    // The lease first: what the run starts is stopped by its teardown.
    await useSandbox(['docker', 'registry', 'kube', 'ssh']);
    const ready = await bringUpSandbox('tests');
    // The real overlays have no pull secret: the kubelet's credential provider logs in, as ECR's does on AWS.
    await ensureServiceBundle();
    const engine = { host: ready.endpoints.docker.host };
    const baseImages = {
      build: await ensureNodeBaseImage(engine, 'build'),
      runtime: await ensureNodeBaseImage(engine, 'runtime'),
    };
    return new E2eSandbox(ready, baseImages, mkdtempSync(join(tmpdir(), 'k8s-ship-e2e-')));
  }

  get dockerHost(): string {
    return this.ready.endpoints.docker.host;
  }

  /** Everything the CLI printed so far, for a failing assertion's message. */
  get printed(): string {
    return this.log;
  }

  /** Runs `k8s-ship pipeline` (the demo's code path) for the scenario. */
  async ship(scenario: Scenario): Promise<Shipment> {
    const shipment = await shipOnSandbox({
      ready: this.ready,
      plan: {
        repository: this.repository,
        baseImages: { ...this.baseImages, runtime: scenario.runtimeImage ?? this.baseImages.runtime },
        imageLabel: this.imageLabel,
        trivyCacheDir: join(this.workDir, 'trivy-cache'),
        namespacePrefix: this.namespacePrefix,
        branch: scenario.branch,
        ...(scenario.environment === undefined ? {} : { environment: scenario.environment }),
        ...(scenario.preview === undefined ? {} : { preview: scenario.preview }),
        extraArguments: scenario.extraArguments ?? [],
      },
      workDir: this.workDir,
      sourceDateEpoch: this.sourceDateEpoch,
      progress: { write: (text: string) => (this.log += text) },
    });
    if (shipment.outputs.namespace) this.namespaces.add(shipment.outputs.namespace);
    if (shipment.outputs.digest) this.digests.add(shipment.outputs.digest);
    if (shipment.runFolder) this.runFolders.add(shipment.runFolder);
    return shipment;
  }

  private get registry() {
    const { url, username } = this.ready.endpoints.registry;
    return { url, username, password: this.ready.registryPassword };
  }

  /** The digest the run's repository serves for a tag or digest, read through the registry API. */
  async registryDigest(reference: string): Promise<string | undefined> {
    return (await readManifest(this.registry, this.repository, reference))?.digest;
  }

  /** Every tag of the run's repository, read through the registry API. */
  async registryTags(): Promise<string[]> {
    const { url, username, password } = this.registry;
    const response = await fetch(`${url}/v2/${this.repository}/tags/list?n=1000`, {
      headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` },
    });
    if (response.status === 404) return [];
    if (!response.ok) throw new Error(`tags of ${this.repository}: HTTP ${response.status}`);
    return ((await response.json()) as { tags?: string[] | null }).tags ?? [];
  }

  /** Makes a namespace a test made itself part of what cleanup() removes. */
  track(namespace: string): void {
    this.namespaces.add(namespace);
  }

  /**
   * kubectl as the deploy user, on the SSH host with its own kubeconfig: what the API server lets the
   * pipeline's credentials do, with no action's checks in between. Never throws on a non-zero exit.
   */
  async sshKubectl(args: readonly string[]): Promise<CommandResult> {
    const ssh = this.ready.endpoints.ssh;
    if (!ssh) throw new Error('the sandbox has no SSH host');
    const connection = await openSandboxSsh(ssh);
    try {
      return await sshKubectl(connection).run(args, { ignoreExitCode: true });
    } finally {
      connection.close();
    }
  }

  /** Removes the namespaces, images, registry manifests and files this run created. */
  async cleanup(): Promise<void> {
    const problems: string[] = [];
    await this.kubectl.deleteNamespaces([...this.namespaces]).catch((error: Error) => {
      problems.push(`namespaces: ${error.message}`);
    });
    await removeImagesLabelled({ host: this.dockerHost }, this.imageLabel);
    for (const digest of this.digests) await deleteManifest(this.registry, this.repository, digest);
    for (const folder of [...this.runFolders, this.workDir]) rmSync(folder, { recursive: true, force: true });
    if (problems.length > 0) throw new Error(`cleanup: ${problems.join('; ')}`);
  }
}
