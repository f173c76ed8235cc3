import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureNodeBaseImage } from '../../../sandbox/src/base-image.js';
import { type DockerEngine, dockerEnv } from '../../../sandbox/src/docker-engine.js';
import type { SandboxEndpoints } from '../../../sandbox/src/endpoints.js';
import { type RunResult, run, sleep } from '../../../sandbox/src/exec.js';
import { useDockerEngine } from '../../../sandbox/src/testing.js';

/*
 * A small app on the sandbox for rollout-wait's integration tests and benchmark: images built from the
 * local Node base and pushed to the sandbox registry, a namespace with a pull secret, and a Deployment
 * that pulls from the registry on every start (imagePullPolicy Always), as a real node would.
 */

// biome-ignore lint/suspicious/noExplicitAny: tests read open-ended Kubernetes JSON
type Json = any;

export const LABEL = 'k8s-ship.test=rollout-wait';
export const DEPLOYMENT = 'app';
export const CONTAINER = 'web';

// The app answers `/ready` with 503 while NOT_READY is set: a readiness probe that never passes.
const SERVER = `const http = require('node:http');
const notReady = Boolean(process.env.NOT_READY);
http.createServer((req, res) => {
  if (req.url === '/ready') { res.statusCode = notReady ? 503 : 200; return res.end(notReady ? 'not ready' : 'ok'); }
  res.end('version ' + (process.env.VERSION || '?') + '\\n');
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening on ' + process.env.PORT));
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

type Endpoints = SandboxEndpoints & Required<Pick<SandboxEndpoints, 'registry' | 'kube'>>;

export class SandboxApp {
  private constructor(
    readonly endpoints: Endpoints,
    readonly engine: DockerEngine,
    readonly namespace: string,
    readonly images: AppImages,
    private readonly dockerConfig: string,
  ) {}

  /** Builds and pushes the images, and creates the namespace with its pull secret. */
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
    await app.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    const auth = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
    await app.apply({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'registry', namespace },
      type: 'kubernetes.io/dockerconfigjson',
      data: {
        '.dockerconfigjson': Buffer.from(
          JSON.stringify({
            auths: {
              [endpoints.registry.address]: {
                username: credentials.username,
                password: credentials.password,
                auth,
              },
            },
          }),
        ).toString('base64'),
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
            imagePullSecrets: [{ name: 'registry' }],
            securityContext: { runAsNonRoot: true, runAsUser: 65532 },
            containers: [
              {
                name: CONTAINER,
                image,
                imagePullPolicy: 'Always',
                env: [{ name: 'VERSION', value: '1' }],
                readinessProbe: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 1 },
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

  /**
   * Waits until every replica is updated and available and no old one is left. Not `kubectl rollout
   * status`: on the stand-in it sometimes exits 1 after printing success.
   */
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

  setImage(image: string): Promise<RunResult> {
    return this.kubectl(['set', 'image', `deployment/${DEPLOYMENT}`, `${CONTAINER}=${image}`]);
  }

  setEnv(...assignments: string[]): Promise<RunResult> {
    return this.kubectl(['set', 'env', `deployment/${DEPLOYMENT}`, ...assignments]);
  }

  /** A Service in front of the app; returns the loopback port of the sandbox's proxy for it. */
  async exposeThroughProxy(): Promise<number> {
    await this.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: DEPLOYMENT, namespace: this.namespace },
      spec: { selector: { app: DEPLOYMENT }, ports: [{ port: 80, targetPort: 8080 }] },
    });
    const svc = await this.eventually(
      'the service proxy port',
      () => this.json(['get', 'service', DEPLOYMENT]),
      (s) => Boolean(s.metadata.annotations?.['sandbox.k8s-ship/proxy-ports']),
    );
    return JSON.parse(svc.metadata.annotations['sandbox.k8s-ship/proxy-ports'])['80'];
  }

  /** Flips the API stand-in's fault switches (failing requests, dropping watches). */
  async faults(request: object): Promise<Json> {
    const response = await fetch(`${this.endpoints.kube.url}/sandbox/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
    });
    if (!response.ok)
      throw new Error(
        `fault request ${JSON.stringify(request)} answered ${response.status}: ${await response.text()}`,
      );
    return response.json();
  }

  /** Polls until `check` accepts what `read` returns. */
  async eventually<T>(
    what: string,
    read: () => Promise<T>,
    check: (value: T) => boolean,
    timeoutMs = 60_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: T | undefined;
    while (Date.now() < deadline) {
      last = await read();
      if (check(last)) return last;
      await sleep(200);
    }
    throw new Error(
      `timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${JSON.stringify(last)}`,
    );
  }

  /** Removes this app's images; a pod container that is still stopping holds them for a moment. */
  private async removeImages(): Promise<void> {
    const env = dockerEnv(this.engine);
    const list = async () =>
      (await run('docker', ['image', 'ls', '--quiet', '--filter', `label=${LABEL}`], { env })).stdout
        .split('\n')
        .filter(Boolean);
    let last = '';
    for (let attempt = 0; attempt < 20; attempt++) {
      const ids = [...new Set(await list())];
      if (ids.length === 0) return;
      await run('docker', ['image', 'rm', '--force', ...ids], { env }).catch((error: Error) => {
        last = error.message;
      });
      await sleep(1_000);
    }
    throw new Error(`could not remove the test images (${(await list()).join(', ')}): ${last}`);
  }

  /** Deletes the namespace's Deployment (its pods with it) and the namespace, and this app's images. */
  async remove(): Promise<void> {
    await this.faults({ reset: true }).catch(() => undefined);
    await this.kubectl(['delete', 'deployment', DEPLOYMENT, '--ignore-not-found', '--timeout=60s']).catch(
      () => undefined,
    );
    await this.eventually(
      'the pods to be gone',
      async () => (await this.json(['get', 'pods'])).items.length,
      (n) => n === 0,
      60_000,
    ).catch(() => undefined);
    await run('kubectl', ['delete', 'namespace', this.namespace, '--ignore-not-found', '--wait=false'], {
      env: { ...process.env, KUBECONFIG: this.endpoints.kube.kubeconfig },
    }).catch(() => undefined);
    try {
      await this.removeImages();
    } finally {
      rmSync(this.dockerConfig, { recursive: true, force: true });
    }
  }
}
