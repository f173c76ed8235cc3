import { readFileSync } from 'node:fs';
import { Client, type ClientChannel } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureNodeBaseImage } from '../src/base-image.js';
import { dockerEnv } from '../src/docker-engine.js';
import { run } from '../src/exec.js';
import { useSandbox } from '../src/testing.js';
import { type ClusterClient, clusterClient, eventually } from './cluster-client.js';
import { loginToSandboxRegistry } from './registry-login.js';

/*
 * The sandbox's Prometheus finds pods the way a Prometheus in a cluster does: kubernetes_sd_configs
 * against the real API server, with k8s/monitoring's relabelling and rules. A stand-in for the metrics
 * API (the Node base image serving Prometheus text) runs behind a Service named and labelled like it.
 * The deploy user reaches Prometheus through its SSH connection, and nothing else.
 */

const namespace = `prometheus-itg-${process.pid}`;
let kube: ClusterClient;
let endpoints: Awaited<ReturnType<typeof useSandbox<'docker' | 'registry' | 'kube' | 'prometheus' | 'ssh'>>>;

const metricsScript = `
require('node:http').createServer((req, res) => {
  res.setHeader('content-type', 'text/plain; version=0.0.4');
  res.end('# TYPE http_requests_total counter\\nhttp_requests_total{route="/",status_code="200",method="GET"} 1\\n');
}).listen(8080);
`;

function standIn(image: string): string {
  const labels = { 'app.kubernetes.io/name': 'metrics-api' };
  // One List: kubectl reads a JSON stream, not JSON documents split by ---.
  const items = [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'metrics-api', namespace, labels },
      spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'metrics-api', namespace, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [
              {
                name: 'metrics-api',
                image,
                command: ['node', '-e', metricsScript],
                ports: [{ name: 'http', containerPort: 8080 }],
              },
            ],
          },
        },
      },
    },
  ];
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
}

async function query(promql: string): Promise<{ metric: Record<string, string> }[]> {
  const response = await fetch(
    `${endpoints.prometheus.url}/api/v1/query?query=${encodeURIComponent(promql)}`,
  );
  return ((await response.json()) as { data: { result: { metric: Record<string, string> }[] } }).data.result;
}

beforeAll(async () => {
  endpoints = await useSandbox(['docker', 'registry', 'kube', 'prometheus', 'ssh']);
  kube = clusterClient(endpoints.kube.kubeconfig);
  const env = dockerEnv(endpoints.docker);
  const base = await ensureNodeBaseImage(endpoints.docker, 'runtime');
  const image = `${endpoints.registry.address}/prometheus-itg/node:${process.pid}`;
  const login = await loginToSandboxRegistry(endpoints.registry, endpoints.docker);
  try {
    await run('docker', ['tag', base, image], { env });
    await run('docker', ['push', '--quiet', image], { env: login.env, timeoutMs: 120_000 });
  } finally {
    login.remove();
  }
  await kube.kubectl(['create', 'namespace', namespace]);
  await kube.kubectl(['apply', '--filename=-'], standIn(image));
}, 300_000);

afterAll(async () => {
  await kube?.kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--timeout=120s']);
});

describe("the sandbox's Prometheus", () => {
  it('discovers the pods behind the metrics-api Service through the API server and scrapes them', async () => {
    const up = await eventually(
      `up == 1 for a pod of ${namespace}/metrics-api`,
      () => query(`up{job="metrics-api",namespace="${namespace}",service="metrics-api"} == 1`),
      (result) => result.length === 1,
      90_000,
    );
    expect(up[0]?.metric.pod).toMatch(/^metrics-api-/);
    expect(up[0]?.metric.node).toBe('k8s-ship-sandbox');
    const requests = await query(`http_requests_total{namespace="${namespace}"}`);
    expect(requests[0]?.metric).toMatchObject({ route: '/', status_code: '200', method: 'GET' });
  });

  it('loads the rules of k8s/monitoring', async () => {
    const response = await fetch(`${endpoints.prometheus.url}/api/v1/rules`);
    const rules = (await response.json()) as { data: { groups: { name: string; file: string }[] } };
    const names = rules.data.groups.map((group) => group.name);
    expect(names).toContain('metrics-api-slo-recording');
    expect(
      rules.data.groups.every((group) => group.file.endsWith('k8s/monitoring/rules/metrics-api.rules.yaml')),
    ).toBe(true);
  });
});

/** An SSH connection as the deploy user, its host key pinned to the sandbox's. */
async function connect(): Promise<Client> {
  const { ssh } = endpoints;
  const pinned = ssh.knownHostsLine.split(' ')[2];
  const client = new Client();
  await new Promise<void>((resolve, reject) => {
    client.once('ready', resolve).once('error', reject);
    client.connect({
      host: ssh.host,
      port: ssh.port,
      username: ssh.user,
      privateKey: readFileSync(ssh.privateKeyFile),
      hostVerifier: (key: Buffer) => key.toString('base64') === pinned,
    });
  });
  return client;
}

function forward(client: Client, port: number): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    client.forwardOut('127.0.0.1', 0, '127.0.0.1', port, (error, channel) =>
      error ? reject(error) : resolve(channel),
    );
  });
}

/** The status line of a plain HTTP/1.0 GET sent over `channel`. */
function statusLine(channel: ClientChannel, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    channel.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    channel.on('close', () => resolve(text.split('\r\n')[0] ?? ''));
    channel.on('error', reject);
    channel.end(`GET ${path} HTTP/1.0\r\nHost: prometheus\r\n\r\n`);
  });
}

describe("the deploy user's SSH connection", () => {
  it("forwards to Prometheus's address on the node", async () => {
    const client = await connect();
    try {
      const port = Number(endpoints.prometheus.address.split(':')[1]);
      expect(await statusLine(await forward(client, port), '/-/ready')).toMatch(/^HTTP\/1\.[01] 200/);
    } finally {
      client.end();
    }
  });

  it("refuses a forward anywhere else, such as the API server's port", async () => {
    const client = await connect();
    try {
      const apiServerPort = Number(new URL(endpoints.kube.url).port);
      // sshd answers PermitOpen's refusal with SSH_OPEN_ADMINISTRATIVELY_PROHIBITED (reason 1).
      await expect(forward(client, apiServerPort)).rejects.toMatchObject({
        message: expect.stringContaining('Channel open failure'),
        reason: 1,
      });
    } finally {
      client.end();
    }
  });
});
