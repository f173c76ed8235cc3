import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiFaultProxy } from '../../../sandbox/src/api-fault-proxy.js';
import { ensureNodeBaseImage } from '../../../sandbox/src/base-image.js';
import { type DockerEngine, dockerEnv } from '../../../sandbox/src/docker-engine.js';
import type { SandboxEndpoints } from '../../../sandbox/src/endpoints.js';
import { type RunResult, run } from '../../../sandbox/src/exec.js';
import { serviceProxyUrl } from '../../../sandbox/src/kubectl-proxy.js';
import { deployUser, lookUpUser } from '../../../sandbox/src/ssh-user.js';
import { readState } from '../../../sandbox/src/state.js';
import { removeImagesLabelled, useDockerEngine } from '../../../sandbox/src/testing.js';
import { eventually } from '../../../sandbox/test/cluster-client.js';

/*
 * A small app on the sandbox's real cluster for rollout-wait's integration tests and benchmark: images
 * built from the local Node base and pushed to the sandbox registry, a namespace under the restricted Pod
 * Security Standard (as the pipeline's are), and a Deployment that pulls from the registry on every start
 * (imagePullPolicy Always) with the kubelet's credential provider, as a node on AWS pulls from ECR.
 */

// biome-ignore lint/suspicious/noExplicitAny: tests read open-ended Kubernetes JSON
type Json = any;

export const LABEL = 'k8s-ship.test=rollout-wait';
export const DEPLOYMENT = 'app';
export const CONTAINER = 'web';

/** The container's port: pods have their own network namespace, so the app listens on every address. */
export const PORT = 8080;

// The app answers `/ready` with 503 while NOT_READY is set: a readiness probe that never passes.
const SERVER = `const http = require('node:http');
const notReady = Boolean(process.env.NOT_READY);
http.createServer((req, res) => {
  if (req.url === '/ready') { res.statusCode = notReady ? 503 : 200; return res.end(notReady ? 'not ready' : 'ok'); }
  res.end('version ' + (process.env.VERSION || '?') + '\\n');
}).listen(${PORT}, '0.0.0.0', () => console.log('listening on ${PORT}'));
`;

const CRASH = `console.error('fatal: DATABASE_URL is not set <script>alert(1)</script>');
process.exit(3);
`;

export interface AppImages {
  /** Two tags of the good app: setting one over the other changes the pod template. */
  v1: string;
  v2: string;
  /** Exits with code 3 at start. */
  crash: string;
  /** A repository that does not exist in the registry. */
  missing: string;
}

type Endpoints = SandboxEndpoints & Required<Pick<SandboxEndpoints, 'registry' | 'kube' | 'ssh'>>;

export class SandboxApp {
  private constructor(
    readonly endpoints: Endpoints,
    readonly engine: DockerEngine,
    readonly namespace: string,
    readonly images: AppImages,
    private readonly dockerConfig: string,
  ) {}

  /** Builds and pushes the images, and creates the namespace. */
  static async create(endpoints: Endpoints, namespace: string): Promise<SandboxApp> {
    const engine = await useDockerEngine();
    const base = await ensureNodeBaseImage(engine, 'runtime');
    const credentials = JSON.parse(readFileSync(endpoints.registry.credentialsFile, 'utf8')) as {
      username: string;
      password: string;
    };
    const repo = `${endpoints.registry.address}/rollout-wait-test`;
    const images: AppImages = {
      v1: `${repo}/app:v1`,
      v2: `${repo}/app:v2`,
      crash: `${repo}/crash:1`,
      missing: `${repo}/does-not-exist:1`,
    };
    // A docker config of our own: logging in must not touch the user's ~/.docker/config.json.
    const dockerConfig = mkdtempSync(join(tmpdir(), 'rollout-wait-docker-'));
    const env = { ...dockerEnv(engine), DOCKER_CONFIG: dockerConfig };
    await run(
      'docker',
      ['login', '--username', credentials.username, '--password-stdin', endpoints.registry.address],
      { env, input: credentials.password },
    );
    const context = mkdtempSync(join(tmpdir(), 'rollout-wait-image-'));
    try {
      writeFileSync(join(context, 'server.js'), SERVER);
      writeFileSync(join(context, 'crash.js'), CRASH);
      const dockerfile = (script: string) =>
        `FROM ${base}\nCOPY ${script} /app/main.js\nUSER 65532:65532\nCMD ["node", "/app/main.js"]\n`;
      for (const [image, script] of [
        [images.v1, 'server.js'],
        [images.crash, 'crash.js'],
      ] as const) {
        writeFileSync(join(context, 'Dockerfile'), dockerfile(script));
        await run('docker', ['build', '--quiet', '--label', LABEL, '--tag', image, context], { env });
      }
      await run('docker', ['tag', images.v1, images.v2], { env });
      for (const image of [images.v1, images.v2, images.crash])
        await run('docker', ['push', '--quiet', image], { env });
    } finally {
      rmSync(context, { recursive: true, force: true });
    }
    const app = new SandboxApp(endpoints, engine, namespace, images, dockerConfig);
    // A namespace left terminating by an earlier run would refuse the Deployment.
    await app.kubectl(['wait', '--for=delete', `namespace/${namespace}`, '--timeout=120s']);
    await app.apply({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: namespace,
        labels: {
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
      },
    });
    return app;
  }

  /** kubectl on this machine against the sandbox API (the action itself goes over SSH). */
  kubectl(args: readonly string[], input?: string): Promise<RunResult> {
    return run('kubectl', ['--namespace', this.namespace, ...args], {
      env: { ...process.env, KUBECONFIG: this.endpoints.kube.kubeconfig },
      input,
      timeoutMs: 110_000,
    });
  }

  async json(args: readonly string[]): Promise<Json> {
    return JSON.parse((await this.kubectl([...args, '-o', 'json'])).stdout);
  }

  apply(object: object): Promise<RunResult> {
    return this.kubectl(['apply', '-f', '-'], JSON.stringify(object));
  }

  /** The Deployment at `image`, its pods probed on /ready every second. */
  manifest(image: string, options: { replicas?: number; progressDeadlineSeconds?: number } = {}): object {
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: DEPLOYMENT, namespace: this.namespace },
      spec: {
        replicas: options.replicas ?? 1,
        progressDeadlineSeconds: options.progressDeadlineSeconds ?? 600,
        selector: { matchLabels: { app: DEPLOYMENT } },
        strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: {
          metadata: { labels: { app: DEPLOYMENT } },
          spec: {
            terminationGracePeriodSeconds: 2,
            // The restricted Pod Security Standard; the base image's non-root user is distroless' 65532.
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 65532,
              runAsGroup: 65532,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [
              {
                name: CONTAINER,
                image,
                imagePullPolicy: 'Always',
                ports: [{ name: 'http', containerPort: PORT, protocol: 'TCP' }],
                env: [{ name: 'VERSION', value: '1' }],
                readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 1 },
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
              },
            ],
          },
        },
      },
    };
  }

  /** Applies the Deployment at v1 and waits until it is available. */
  async deployGood(options: { replicas?: number; progressDeadlineSeconds?: number } = {}): Promise<void> {
    await this.apply(this.manifest(this.images.v1, options));
    await this.waitUntilRolledOut();
  }

  /** Waits until every replica is updated and available and no old one is left. */
  async waitUntilRolledOut(timeoutMs = 100_000): Promise<void> {
    await this.eventually(
      'the Deployment to be rolled out',
      () => this.deployment(),
      (d) =>
        d.status?.observedGeneration >= d.metadata.generation &&
        d.status?.updatedReplicas === d.spec.replicas &&
        d.status?.availableReplicas === d.spec.replicas &&
        d.status?.replicas === d.spec.replicas,
      timeoutMs,
    );
  }

  async deployment(): Promise<Json> {
    return this.json(['get', 'deployment', DEPLOYMENT]);
  }

  async revision(): Promise<number> {
    return Number((await this.deployment()).metadata.annotations['deployment.kubernetes.io/revision']);
  }

  async image(): Promise<string> {
    return (await this.deployment()).spec.template.spec.containers[0].image;
  }

  /**
   * The revision the controller made for the latest spec change and its ReplicaSet's pod-template-hash,
   * once it has observed that change: what ssh-set-image passes to rollout-wait.
   */
  async currentRevision(): Promise<{ revision: string; hash: string }> {
    const { deployment, set } = await this.eventually(
      'the controller to give the latest change a ReplicaSet',
      async () => {
        const deployment = await this.deployment();
        const sets = (await this.json(['get', 'replicasets', '--selector', `app=${DEPLOYMENT}`]))
          .items as Json[];
        const revision = deployment.metadata.annotations?.['deployment.kubernetes.io/revision'];
        const set = sets.find(
          (rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'] === revision,
        );
        return { deployment, set };
      },
      ({ deployment, set }) =>
        deployment.status?.observedGeneration >= deployment.metadata.generation && set !== undefined,
      30_000,
    );
    return {
      revision: deployment.metadata.annotations['deployment.kubernetes.io/revision'],
      hash: set.metadata.labels['pod-template-hash'],
    };
  }

  /** Replaces the container's command: with a path that does not exist, the runtime cannot start it. */
  setCommand(...command: string[]): Promise<RunResult> {
    const patch = [{ op: 'add', path: '/spec/template/spec/containers/0/command', value: command }];
    return this.kubectl(['patch', `deployment/${DEPLOYMENT}`, '--type=json', '-p', JSON.stringify(patch)]);
  }

  setImage(image: string): Promise<RunResult> {
    return this.kubectl(['set', 'image', `deployment/${DEPLOYMENT}`, `${CONTAINER}=${image}`]);
  }

  setEnv(...assignments: string[]): Promise<RunResult> {
    return this.kubectl(['set', 'env', `deployment/${DEPLOYMENT}`, ...assignments]);
  }

  /**
   * A Service in front of the app; returns its URL through the sandbox's `kubectl proxy` (the API server's
   * service proxy, which sends each request to a ready endpoint), once a request through it is answered.
   */
  async exposeThroughProxy(): Promise<string> {
    await this.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: DEPLOYMENT, namespace: this.namespace },
      spec: { selector: { app: DEPLOYMENT }, ports: [{ port: 80, targetPort: 'http' }] },
    });
    const proxyPort = Number(new URL(this.endpoints.kube.proxyUrl).port);
    const url = serviceProxyUrl(proxyPort, this.namespace, DEPLOYMENT, 80);
    await this.eventually(
      `the Service to answer at ${url}/`,
      () =>
        fetch(`${url}/`, { signal: AbortSignal.timeout(5_000) }).then(
          (r) => r.status,
          (error: Error) => error.message,
        ),
      (status) => status === 200,
    );
    return url;
  }

  /**
   * Starts an API fault proxy in front of the sandbox's API server, and writes a copy of the deploy user's
   * kubeconfig (the one the SSH sessions use) that goes through it, readable by that user: a test passes
   * `kubeconfig` as the action's input so that only its own kubectl calls meet the faults. Close it after.
   */
  async startFaultProxy(): Promise<{ proxy: ApiFaultProxy; kubeconfig: string; close(): Promise<void> }> {
    const cluster = readState().kube;
    if (!cluster || cluster.external)
      throw new Error('the API fault proxy needs the cluster the sandbox runs, not an external one');
    const owner = await lookUpUser(deployUser);
    if (!owner) throw new Error(`the SSH host's user ${deployUser} does not exist`);
    const proxy = await ApiFaultProxy.start(cluster);
    // Next to the deploy user's own kubeconfig: the state directory is traversable by that user.
    const kubeconfig = join(this.endpoints.stateDir, `rollout-wait-faults-${process.pid}.kubeconfig`);
    try {
      proxy.writeKubeconfig(this.endpoints.ssh.kubeconfig, kubeconfig, owner);
    } catch (error) {
      await proxy.close();
      throw error;
    }
    return {
      proxy,
      kubeconfig,
      close: async () => {
        rmSync(kubeconfig, { force: true });
        await proxy.close();
      },
    };
  }

  /** Polls until `check` accepts what `read` returns. */
  eventually<T>(what: string, read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 60_000) {
    return eventually(what, read, check, timeoutMs);
  }

  /** Deletes the namespace (the Deployment and its pods with it), and this app's local images. */
  async remove(): Promise<void> {
    try {
      // Waited for, so that the next run can create it afresh.
      await this.kubectl([
        'delete',
        'namespace',
        this.namespace,
        '--ignore-not-found',
        '--wait=true',
        '--timeout=120s',
      ]);
    } finally {
      try {
        await removeImagesLabelled(this.engine, LABEL);
      } finally {
        rmSync(this.dockerConfig, { recursive: true, force: true });
      }
    }
  }
}
