import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../runner/src/paths.js';
import { runBundledAction, type StepRun } from '../../runner/src/run-bundle.js';
import { run } from '../../sandbox/src/exec.js';
import { serviceProxyUrl } from '../../sandbox/src/kubectl-proxy.js';
import type { SandboxEndpoints } from '../../sandbox/src/sandbox.js';
import { removeImagesLabelled } from '../../sandbox/src/testing.js';
import { type ClusterClient, clusterClient, eventually } from '../../sandbox/test/cluster-client.js';
import { loginToSandboxRegistry } from '../../sandbox/test/registry-login.js';
import { serviceDeployment } from '../../sandbox/test/service-deployment.js';
import { buildFaultyServiceImage } from './faulty-service.js';
import { buildServiceImage } from './service-image.js';
import { type LoadReport, startSteadyLoad } from './steady-load.js';

/*
 * The stage progressive deploys play on, for the e2e test and the benchmark: a namespace on the sandbox's
 * cluster with the metrics API (STABLE_REPLICAS pods, from image a) behind its Service, the images pushed
 * to the sandbox's registry (two good releases, and the test-only bad ones of faulty-service.ts), and the
 * ssh-set-image bundle run as the deploy user over SSH, under steady load through the Service.
 */
export const STABLE_REPLICAS = 3;
export const ERROR_SHARE = 0.3;
export const SLOW_MS = 600;
export type Release = 'a' | 'b' | 'errors' | 'slow';
export type Strategy = 'rolling' | 'canary' | 'blue-green';

type Sandbox = SandboxEndpoints &
  Required<Pick<SandboxEndpoints, 'docker' | 'registry' | 'kube' | 'prometheus' | 'ssh'>>;

export class ProgressiveStage {
  readonly kube: ClusterClient;
  readonly ns: string[];
  images = {} as Record<Release, string>;
  private readonly label: string;

  constructor(
    private readonly sandbox: Sandbox,
    readonly namespace: string,
  ) {
    this.kube = clusterClient(sandbox.kube.kubeconfig);
    this.ns = ['-n', namespace];
    this.label = `k8s-ship.test=${namespace}`;
  }

  /** Builds and pushes the images, then serves release a from a namespace of its own. */
  async setUp(): Promise<void> {
    const { docker, registry } = this.sandbox;
    const engine = { host: docker.host };
    const repository = `${registry.address}/progressive-e2e/metrics-api`;
    const tag = (release: Release) => `${repository}:${release}-${process.pid}`;
    const good = await buildServiceImage(engine, tag('a'), this.label);
    const faulty = (fault: Parameters<typeof buildFaultyServiceImage>[2], release: Release) =>
      buildFaultyServiceImage(docker.host, good, fault, tag(release), this.label);
    // b is a second good release: the same service under its own digest (a preload that does nothing).
    const built = {
      a: good,
      b: await faulty({ errors: 0 }, 'b'),
      errors: await faulty({ errors: ERROR_SHARE }, 'errors'),
      slow: await faulty({ delayMs: SLOW_MS }, 'slow'),
    };
    const login = await loginToSandboxRegistry(registry, engine);
    try {
      for (const [release, image] of Object.entries(built)) {
        await run('docker', ['push', '--quiet', image], { env: login.env, timeoutMs: 120_000 });
        this.images[release as Release] = image;
      }
    } finally {
      login.remove();
    }
    const apply = (object: unknown) => this.kube.kubectl(['apply', '-f', '-'], JSON.stringify(object));
    await apply({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: this.namespace, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
    });
    await apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'metrics-api',
        namespace: this.namespace,
        labels: { 'app.kubernetes.io/name': 'metrics-api' },
      },
      spec: {
        selector: { 'app.kubernetes.io/name': 'metrics-api' },
        ports: [{ name: 'http', port: 80, targetPort: 'http' }],
      },
    });
    await this.kube.kubectl(
      ['apply', '-f', '-'],
      serviceDeployment(this.namespace, this.images.a, STABLE_REPLICAS),
    );
    await this.kube.kubectl([...this.ns, 'rollout', 'status', 'deployment/metrics-api', '--timeout=120s']);
  }

  async tearDown(): Promise<void> {
    await this.kube.kubectl(['delete', 'namespace', this.namespace, '--ignore-not-found', '--timeout=120s']);
    await removeImagesLabelled({ host: this.sandbox.docker.host }, this.label);
  }

  async stableImage(): Promise<string> {
    const d = await this.kube.json([...this.ns, 'get', 'deployment', 'metrics-api']);
    return d.spec.template.spec.containers[0].image;
  }

  /** The canary and green Deployments left, as `name=replicas`. */
  async variants(): Promise<string[]> {
    const list = await this.kube.json([...this.ns, 'get', 'deployments', '-l', 'k8s-ship.io/track']);
    return list.items.map(
      (d: { metadata: { name: string }; spec: { replicas: number } }) =>
        `${d.metadata.name}=${d.spec.replicas}`,
    );
  }

  /** The ssh-set-image bundle as the deploy user over SSH, with Prometheus through the same connection. */
  async deploy(release: Release, strategy: Strategy): Promise<StepRun> {
    const { ssh, prometheus } = this.sandbox;
    const { main } = await runBundledAction({
      actionDir: join(repoRoot, 'actions', 'ssh-set-image'),
      node: 'node24',
      workspace: repoRoot,
      inputs: {
        namespace: this.namespace,
        deployment: 'metrics-api',
        image: this.images[release],
        strategy,
        'canary-steps': '10,50',
        'step-duration': '20s',
        'analysis-interval': '4s',
        'max-error-ratio': '0.05',
        'max-p99': '300ms',
        'min-requests': '20',
        'prometheus-address': prometheus.address,
        'ready-timeout': '120s',
        host: ssh.host,
        port: String(ssh.port),
        user: ssh.user,
        'private-key': readFileSync(ssh.privateKeyFile, 'utf8'),
        'host-key': ssh.knownHostsLine,
      },
      timeoutMs: 400_000,
    });
    return main;
  }

  /**
   * Runs `action` under 20 requests a second to a user route through the Service, and reports what its
   * clients saw, `settleMs` past the action's end (pods scaled away drain after it returns).
   */
  async underLoad<T>(action: () => Promise<T>, settleMs = 4000): Promise<{ result: T; load: LoadReport }> {
    const port = Number(new URL(this.sandbox.kube.proxyUrl).port);
    const url = `${serviceProxyUrl(port, this.namespace, 'metrics-api', 'http')}/info`;
    const load = startSteadyLoad({ url, ratePerSecond: 20, maxDurationMs: 600_000 });
    try {
      await eventually(
        'the first answers through the Service',
        async () => load.snapshot().requests.length,
        (n) => n >= 10,
      );
      const result = await action();
      await new Promise((resolve) => setTimeout(resolve, settleMs));
      return { result, load: await load.stop() };
    } catch (error) {
      await load.stop();
      throw error;
    }
  }
}

/** The `analysis` output of ssh-set-image. */
export function analysisOf(
  step: StepRun,
): { step: string; verdict: string; requests: number; seconds: number }[] {
  return JSON.parse(step.outputs.analysis ?? '[]');
}
