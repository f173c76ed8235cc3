import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { deleteManifest } from '../../actions/build-push/test/registry-api.js';
import { NO_TOKEN_NOTICE } from '../../actions/deployment-status/src/main.js';
import { ensureNodeBaseImage } from '../../sandbox/src/base-image.js';
import { type DockerEngine, dockerEnv } from '../../sandbox/src/docker-engine.js';
import type { SandboxEndpoints } from '../../sandbox/src/endpoints.js';
import { readRegistryCredentials } from '../../sandbox/src/registry.js';
import { removeImagesLabelled, useDockerEngine, useSandbox } from '../../sandbox/src/testing.js';
import { localTrivyBin } from '../src/demo/sandbox-setup.js';
import { type Io, main } from '../src/main.js';

const SHA = 'c0ffee0123456789abcdef0123456789abcdef01';
const LABEL = 'k8s-ship.test=cli-pipeline';
const COMMIT_TIME = '2026-11-20T09:30:00Z';
const NAMESPACE = 'preview-feature-shop-cart';
const DEPLOYMENT = 'shop';
const repository = `k8s-ship-itg/pipeline-${process.pid}`;

const PORT = 8080;
// A service small enough to build in a second: ready on /ready. It listens on every address of the pod's
// own network namespace: the kubelet probes the pod's IP, and a Service routes to it.
const SERVER = `const http = require('node:http');
http.createServer((req, res) => res.end(req.url === '/ready' ? 'ok' : 'shop ${SHA.slice(0, 7)}\\n'))
  .listen(${PORT}, '0.0.0.0');
`;

interface Registry {
  url: string;
  address: string;
  username: string;
  password: string;
}

/**
 * The service's checkout: Dockerfile, code, and a preview overlay that bootstraps the namespace. No pull
 * secret: the deploy user may not touch Secrets (its RBAC), and the kubelet's image credential provider
 * logs in to the registry, as ECR's does on AWS.
 */
function writeWorkspace(dir: string): void {
  writeFileSync(join(dir, 'server.js'), SERVER);
  writeFileSync(
    join(dir, 'Dockerfile'),
    `ARG BASE\nFROM \${BASE}\nCOPY server.js /app/server.js\nUSER 65532:65532\nCMD ["node", "/app/server.js"]\n`,
  );
  const overlay = join(dir, 'deploy', 'overlays', 'preview');
  mkdirSync(overlay, { recursive: true });
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: DEPLOYMENT },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: DEPLOYMENT } },
      template: {
        metadata: { labels: { app: DEPLOYMENT } },
        spec: {
          terminationGracePeriodSeconds: 2,
          securityContext: { runAsNonRoot: true, runAsUser: 65532 },
          containers: [
            {
              name: DEPLOYMENT,
              image: 'placeholder/shop',
              imagePullPolicy: 'Always',
              ports: [{ name: 'http', containerPort: PORT }],
              readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 1 },
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            },
          ],
        },
      },
    },
  };
  const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'preview' } };
  writeFileSync(join(overlay, 'namespace.yaml'), stringify(namespace));
  writeFileSync(join(overlay, 'deployment.yaml'), stringify(deployment));
  writeFileSync(
    join(overlay, 'kustomization.yaml'),
    stringify({ resources: ['namespace.yaml', 'deployment.yaml'] }),
  );
}

/**
 * `k8s-ship pipeline` end to end on the sandbox: the root composite action's five steps run in order
 * through the composite runner and the real bundles. The image is built on the real Docker engine and
 * pushed to the authenticated registry, scanned by the Trivy built from sandbox/trivy (offline, on the
 * DB made from sandbox/trivy/advisories.json: the runtime base's four LOW Debian advisories), set on the Deployment over SSH with the
 * pinned host key (the first deploy creates the namespace from the overlay), and its rollout watched on
 * the sandbox's Kubernetes cluster, whose kubelet pulls it (with its credential provider) and probes it.
 * A second run of the same commit changes nothing.
 */
describe('k8s-ship pipeline on the sandbox', () => {
  let endpoints: Required<Pick<SandboxEndpoints, 'registry' | 'ssh' | 'kube'>>;
  let engine: DockerEngine;
  let registry: Registry;
  let root: string;
  let io: () => Io & { out: () => { stdout: string; stderr: string } };
  let args: string[];
  let first: { code: number; stdout: string; stderr: string };

  const kubectl = (kubectlArgs: string[]) =>
    execFileSync('kubectl', kubectlArgs, {
      env: { ...process.env, KUBECONFIG: endpoints.kube.kubeconfig },
      encoding: 'utf8',
    });

  // Folders of the runs' files (the CLI keeps them and names them), removed after the tests.
  const runFolders: string[] = [];

  async function ship() {
    const streams = io();
    const code = await main(args, streams);
    const out = streams.out();
    const folder = /files of this run are in (\S+)/.exec(out.stderr)?.[1];
    if (folder) runFolders.push(folder);
    return { code, ...out };
  }

  beforeAll(async () => {
    endpoints = await useSandbox(['docker', 'registry', 'ssh', 'kube']);
    engine = await useDockerEngine();
    registry = {
      ...readRegistryCredentials({
        credentialsFile: endpoints.registry.credentialsFile,
      } as Parameters<typeof readRegistryCredentials>[0]),
      url: endpoints.registry.url,
      address: endpoints.registry.address,
    };
    const base = await ensureNodeBaseImage(engine, 'runtime');
    root = mkdtempSync(join(tmpdir(), 'k8s-ship-pipeline-'));
    const workspace = join(root, 'service');
    mkdirSync(workspace);
    writeWorkspace(workspace);
    const bin = await localTrivyBin(root, join(root, 'trivy-cache'));

    io = () => {
      let stdout = '';
      let stderr = '';
      return {
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: (text: string) => (stderr += text) },
        env: {
          PATH: `${bin}:${process.env.PATH}`,
          HOME: root,
          DOCKER_HOST: dockerEnv(engine).DOCKER_HOST,
          // The secret comes from the environment (or a file), never argv.
          K8S_SHIP_PASSWORD: registry.password,
        },
        cwd: workspace,
        out: () => ({ stdout, stderr }),
      };
    };
    const { ssh } = endpoints;
    args = [
      'pipeline',
      ...['--branch', 'feature/shop-cart', '--sha', SHA, '--github-repository', 'acme/shop'],
      ...['--preview', 'true', '--overlay-root', 'deploy/overlays'],
      ...['--registry', registry.address, '--repository', repository, '--username', registry.username],
      // build-push stamps org.opencontainers.image.created with the build time, so each build of the same
      // commit gets a new digest; pinning it to the commit's time (as a release build would) makes the
      // second run below a true repeat of the same image.
      ...[
        '--build-args',
        `BASE=${base}`,
        '--labels',
        `${LABEL}\norg.opencontainers.image.created=${COMMIT_TIME}`,
      ],
      ...['--trivy-source', 'path', '--cache-dir', join(root, 'trivy-cache'), '--fail-on', 'NONE'],
      ...['--deployment', DEPLOYMENT, '--host', ssh.host, '--port', String(ssh.port), '--user', ssh.user],
      ...['--private-key-file', ssh.privateKeyFile, '--host-key', ssh.knownHostsLine],
      ...['--rollout-timeout', '90s', '--readiness-timeout', '30s'],
      '--json',
    ];
    first = await ship();
  });

  afterAll(async () => {
    if (endpoints?.kube) {
      try {
        kubectl(['delete', 'namespace', NAMESPACE, '--ignore-not-found', '--timeout=60s']);
      } catch {
        // reported by the tests themselves
      }
    }
    if (engine) await removeImagesLabelled(engine, LABEL);
    const digest = first?.code === 0 ? JSON.parse(first.stdout).digest : undefined;
    if (digest) await deleteManifest(registry, repository, digest);
    if (root) rmSync(root, { recursive: true, force: true });
    for (const folder of runFolders) rmSync(folder, { recursive: true, force: true });
  });

  test('runs the steps in order, then the post steps in reverse, and succeeds', () => {
    expect(first.code, first.stderr).toBe(0);
    const order = [...first.stderr.matchAll(/^▶ (.+)$/gm)].map((match) => match[1]);
    expect(order).toEqual([
      'target',
      'deployment-start',
      'image',
      'scan',
      'tag',
      'deploy',
      'rollout',
      'deployment-finish',
      'post deploy',
      'post image',
    ]);
    // No GitHub token outside GitHub: the deployment is not recorded, and the run says so once.
    expect(first.stderr.split(NO_TOKEN_NOTICE)).toHaveLength(2);
  });

  test('maps each step’s outputs to the pipeline’s outputs', () => {
    const outputs = JSON.parse(first.stdout);
    expect(outputs).toMatchObject({
      environment: 'preview',
      namespace: NAMESPACE,
      'is-production': 'false',
      total: '4',
      critical: '0',
      'scan-passed': 'true',
      bootstrapped: 'true',
      changed: 'true',
      result: 'succeeded',
    });
    expect(outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(outputs['image-ref']).toBe(`${registry.address}/${repository}@${outputs.digest}`);
    // The scan report outlives the run, in the folder the CLI named.
    expect(outputs['report-path'].startsWith(runFolders[0] as string)).toBe(true);
    expect(JSON.parse(readFileSync(outputs['report-path'], 'utf8')).SchemaVersion).toBe(2);
  });

  test('the Deployment runs the pushed image by digest, created in the preview namespace, and is available', () => {
    const outputs = JSON.parse(first.stdout);
    const deployment = JSON.parse(kubectl(['get', 'deployment', DEPLOYMENT, '-n', NAMESPACE, '-o', 'json']));
    expect(deployment.spec.template.spec.containers[0].image).toBe(outputs['image-ref']);
    expect(deployment.status.availableReplicas).toBe(1);
    expect(String(outputs.revision)).toBe(
      deployment.metadata.annotations['deployment.kubernetes.io/revision'],
    );
  });

  test('the pod runs the pushed image, pulled by the kubelet’s credential provider, and answers on its address', async () => {
    const outputs = JSON.parse(first.stdout);
    const pods = JSON.parse(
      kubectl(['get', 'pods', '-n', NAMESPACE, '-l', `app=${DEPLOYMENT}`, '-o', 'json']),
    ).items as {
      metadata: { name: string; deletionTimestamp?: string };
      spec: { imagePullSecrets?: { name: string }[] };
      status: { podIP: string; containerStatuses: { imageID: string; ready: boolean }[] };
    }[];
    const [pod, ...others] = pods.filter((candidate) => !candidate.metadata.deletionTimestamp);
    expect(others).toEqual([]);
    expect(pod?.spec.imagePullSecrets).toBeUndefined();
    expect(pod?.status.containerStatuses[0]).toMatchObject({ ready: true, imageID: outputs['image-ref'] });
    // Through the API server's pod proxy to the pod's IP and containerPort: this commit's code answers.
    const url = `${endpoints.kube.proxyUrl}/api/v1/namespaces/${NAMESPACE}/pods/${pod?.metadata.name}:${PORT}/proxy/`;
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(`shop ${SHA.slice(0, 7)}\n`);
  });

  test('never shows the registry password or the SSH private key', () => {
    const key = readFileSync(endpoints.ssh.privateKeyFile, 'utf8').split('\n')[1] as string;
    for (const text of [first.stdout, first.stderr]) {
      expect(text).not.toContain(registry.password);
      expect(text).not.toContain(key);
    }
  });

  test('a second run of the same commit pushes the same digest and changes nothing', async () => {
    const second = await ship();
    expect(second.code, second.stderr).toBe(0);
    const before = JSON.parse(first.stdout);
    const after = JSON.parse(second.stdout);
    expect(after).toMatchObject({
      digest: before.digest,
      changed: 'false',
      bootstrapped: 'false',
      result: 'succeeded',
    });
    expect(after.revision).toBe(before.revision);
  });
});
