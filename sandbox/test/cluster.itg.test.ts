import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureNodeBaseImage } from '../src/base-image.js';
import { kubernetesVersion } from '../src/cluster/binaries.js';
import { dockerEnv } from '../src/docker-engine.js';
import { run } from '../src/exec.js';
import { readState } from '../src/state.js';
import { sshArgs, useSandbox } from '../src/testing.js';
import { type ClusterClient, clusterClient, eventually, kubectlWatch } from './cluster-client.js';
import { loginToSandboxRegistry } from './registry-login.js';

/*
 * The sandbox's Kubernetes is the real one: the real kubectl gets from it what it gets from any cluster.
 * One namespace per run; the images are the local Node base pushed to the sandbox registry, which the
 * kubelet pulls with its credential provider (no pull secret).
 */

const namespace = `cluster-itg-${process.pid}`;
const restricted = `${namespace}-restricted`;
const ns = ['--namespace', namespace];
const node = 'node -e';
let kube: ClusterClient;
let image: string;
let missingImage: string;
let clusterKubectl: string;
let ssh: Awaited<ReturnType<typeof useSandbox<'ssh'>>>['ssh'];

beforeAll(async () => {
  const endpoints = await useSandbox(['docker', 'registry', 'kube', 'ssh']);
  ssh = endpoints.ssh;
  kube = clusterClient(endpoints.kube.kubeconfig);
  const state = readState().kube;
  if (state?.external !== false)
    throw new Error('these tests need the sandbox-built cluster, not an external one');
  clusterKubectl = join(state.binaries.kubectlDir, 'kubectl');
  const env = dockerEnv(endpoints.docker);
  const base = await ensureNodeBaseImage(endpoints.docker, 'runtime');
  image = `${endpoints.registry.address}/cluster-itg/node:${process.pid}`;
  missingImage = `${endpoints.registry.address}/cluster-itg/missing:${process.pid}`;
  const login = await loginToSandboxRegistry(endpoints.registry, endpoints.docker);
  try {
    await run('docker', ['tag', base, image], { env });
    await run('docker', ['push', '--quiet', image], { env: login.env, timeoutMs: 120_000 });
  } finally {
    login.remove();
  }
  await kube.kubectl(['create', 'namespace', namespace]);
}, 300_000);

afterAll(async () => {
  await kube?.kubectl(['delete', 'namespace', namespace, restricted, '--ignore-not-found', '--timeout=120s']);
});

/** A Deployment of the node image running `script`; kubectl create's protobuf path, as a person types it. */
async function createDeployment(name: string, script: string, replicas = 1, from = image): Promise<void> {
  await kube.kubectl([
    ...ns,
    'create',
    'deployment',
    name,
    `--image=${from}`,
    `--replicas=${replicas}`,
    '--',
    ...node.split(' '),
    script,
  ]);
}

async function podsOf(name: string) {
  return (await kube.json([...ns, 'get', 'pods', '--selector', `app=${name}`])).items;
}

function waitingReason(pod: {
  status?: { containerStatuses?: { state?: { waiting?: { reason?: string } } }[] };
}) {
  return pod.status?.containerStatuses?.[0]?.state?.waiting?.reason;
}

describe('the sandbox cluster, through the real kubectl', () => {
  it('runs the pinned release on the API server and the node', async () => {
    const pinned = kubernetesVersion();
    const version = JSON.parse(
      (await run(clusterKubectl, ['--kubeconfig', kube.kubeconfig, 'version', '--output=json'])).stdout,
    );
    expect(version.serverVersion.gitVersion).toBe(pinned);
    expect(version.clientVersion.gitVersion).toBe(pinned);
    const nodes = (await kube.json(['get', 'nodes'])).items;
    expect(nodes).toHaveLength(1);
    expect(nodes[0].status.nodeInfo).toMatchObject({
      kubeletVersion: pinned,
      containerRuntimeVersion: expect.stringMatching(/^containerd:\/\//),
    });
    expect(nodes[0].status.conditions.find((c: { type: string }) => c.type === 'Ready').status).toBe('True');
  });

  it('creates imperatively and applies server-side', async () => {
    await createDeployment('hello', "console.log('hello from a pod'); setInterval(() => {}, 1000)");
    const applied = await kube.kubectl(
      ['apply', '--server-side', '--field-manager=cluster-itg', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'settings', namespace },
        data: { a: '1' },
      }),
    );
    expect(applied.stdout).toContain('configmap/settings serverside-applied');
    const managers = (await kube.json([...ns, 'get', 'configmap', 'settings', '--show-managed-fields']))
      .metadata.managedFields;
    expect(managers).toContainEqual(expect.objectContaining({ manager: 'cluster-itg', operation: 'Apply' }));
    await kube.kubectl([...ns, 'rollout', 'status', 'deployment/hello', '--timeout=120s']);
  });

  it('gives logs, exec and top from the kubelet', async () => {
    const [pod] = await podsOf('hello');
    expect(pod.status.podIP).toMatch(/^10\.200\.0\.\d+$/);
    const logs = await kube.kubectl([...ns, 'logs', pod.metadata.name]);
    expect(logs.stdout).toBe('hello from a pod\n');
    const exec = await kube.kubectl([
      ...ns,
      'exec',
      pod.metadata.name,
      '--',
      'node',
      '-e',
      'console.log(require("os").hostname())',
    ]);
    expect(exec.stdout.trim()).toBe(pod.metadata.name);
    // metrics-server scrapes the kubelet every 15 s: the first figures take up to a minute.
    const top = await eventually(
      'kubectl top to show the pod',
      () =>
        kube.kubectl([...ns, 'top', 'pod', pod.metadata.name, '--no-headers']).then(
          (r) => r.stdout,
          () => '',
        ),
      (out) => out.startsWith(pod.metadata.name),
      120_000,
    );
    expect(top).toMatch(new RegExp(`^${pod.metadata.name}\\s+\\d+m\\s+\\d+Mi`));
  }, 180_000);

  it('keeps rollout history and undoes to the previous revision', async () => {
    await kube.kubectl([...ns, 'set', 'env', 'deployment/hello', 'GREETING=two']);
    await kube.kubectl([...ns, 'rollout', 'status', 'deployment/hello', '--timeout=120s']);
    const history = await kube.kubectl([...ns, 'rollout', 'history', 'deployment/hello']);
    expect(history.stdout).toMatch(/^1\s/m);
    expect(history.stdout).toMatch(/^2\s/m);
    await kube.kubectl([...ns, 'rollout', 'undo', 'deployment/hello']);
    await kube.kubectl([...ns, 'rollout', 'status', 'deployment/hello', '--timeout=120s']);
    const deployment = await kube.json([...ns, 'get', 'deployment', 'hello']);
    expect(deployment.metadata.annotations['deployment.kubernetes.io/revision']).toBe('3');
    expect(deployment.spec.template.spec.containers[0].env).toBeUndefined();
  }, 180_000);

  it('refuses a privileged pod in a namespace that enforces the restricted Pod Security Standard', async () => {
    await kube.kubectl(['create', 'namespace', restricted]);
    await kube.kubectl(['label', 'namespace', restricted, 'pod-security.kubernetes.io/enforce=restricted']);
    const refusal = await kube.kubectlFails([
      '--namespace',
      restricted,
      'run',
      'privileged',
      `--image=${image}`,
      '--privileged',
    ]);
    expect(refusal).toContain('violates PodSecurity "restricted:latest"');
    expect(refusal).toContain(
      'privileged (container "privileged" must not set securityContext.privileged=true)',
    );
  });

  it('reports a missing image as ErrImagePull, then ImagePullBackOff, from the kubelet', async () => {
    await createDeployment('missing', 'setInterval(() => {}, 1000)', 1, missingImage);
    const reasons = new Set<string>();
    await eventually(
      'the pull to back off',
      async () => {
        const reason = waitingReason((await podsOf('missing'))[0] ?? {});
        if (reason) reasons.add(reason);
        return reason;
      },
      (reason) => reason === 'ImagePullBackOff',
      90_000,
    );
    expect(reasons).toContain('ImagePullBackOff');
    const events = await kube.kubectl([
      ...ns,
      'get',
      'events',
      '--field-selector',
      'reason=Failed',
      '-o',
      'jsonpath={.items[*].message}',
    ]);
    expect(events.stdout).toContain(`Failed to pull image "${missingImage}"`);
    expect(events.stdout).toContain('not found');
  }, 120_000);

  it('fails `rollout status` at the progress deadline', async () => {
    await kube.kubectl([
      ...ns,
      'patch',
      'deployment/missing',
      '--type=merge',
      '-p',
      '{"spec":{"progressDeadlineSeconds":15}}',
    ]);
    const failure = await kube.kubectlFails([
      ...ns,
      'rollout',
      'status',
      'deployment/missing',
      '--timeout=120s',
    ]);
    expect(failure).toContain('error: deployment "missing" exceeded its progress deadline');
  }, 150_000);

  it('backs off an image that exits: CrashLoopBackOff', async () => {
    await createDeployment('crash', "console.error('no configuration'); process.exit(3)");
    // The kubelet shows `waiting: CrashLoopBackOff` only until its next sync of the pod; between
    // restarts the status says `terminated: Error`. A watch sees every status the kubelet writes.
    const watch = kubectlWatch(kube.kubeconfig, [
      ...ns,
      'get',
      'pods',
      '--selector=app=crash',
      '--output=jsonpath={.status.containerStatuses[0].state.waiting.reason}{"\\n"}',
    ]);
    const [pod] = await eventually(
      'two restarts',
      () => podsOf('crash'),
      (pods) => (pods[0]?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2,
      100_000,
    );
    const events = await kube.kubectl([
      ...ns,
      'get',
      'events',
      '--field-selector=reason=BackOff',
      '--output=jsonpath={.items[*].message}',
    ]);
    expect(events.stdout).toContain('Back-off restarting failed container node in pod');
    expect(pod.status.containerStatuses[0].lastState.terminated).toMatchObject({
      exitCode: 3,
      reason: 'Error',
    });
    // The kubelet keeps one dead instance: a restart between the read above and this one removes the
    // instance asked for ("unable to retrieve container logs"), so ask until one answers.
    const logs = await eventually(
      "the previous instance's logs",
      () => kube.kubectl([...ns, 'logs', pod.metadata.name, '--previous']).catch(() => ({ stdout: '' })),
      (result) => !result.stdout.startsWith('unable to retrieve') && result.stdout !== '',
      30_000,
    );
    expect(logs.stdout).toBe('no configuration\n');
    await eventually(
      'the watch to show CrashLoopBackOff',
      async () => watch.lines(),
      (lines) => lines.includes('CrashLoopBackOff'),
      60_000,
    ).finally(() => watch.stop());
  }, 150_000);

  it('gives the SSH host the cluster’s own kubectl', async () => {
    const { stdout } = await run('ssh', sshArgs(ssh, 'kubectl version --client --output=json'));
    expect(JSON.parse(stdout).clientVersion.gitVersion).toBe(kubernetesVersion());
  });

  it('enforces the deploy user’s role over SSH: allowed verbs work, others are Forbidden', async () => {
    const allowed = await run(
      'ssh',
      sshArgs(ssh, `kubectl get deployments --namespace ${namespace} -o name`),
    );
    expect(allowed.stdout).toContain('deployment.apps/hello');
    // RBAC: no Secrets at all.
    const secrets = await run('ssh', sshArgs(ssh, `kubectl get secrets --namespace ${namespace}`)).catch(
      (e: { stderr: string }) => e,
    );
    expect((secrets as { stderr: string }).stderr).toContain(
      'secrets is forbidden: User "system:serviceaccount:kube-system:k8s-ship-deployer" cannot list resource "secrets"',
    );
    // RBAC grants delete on Deployments for canary and green variants; the admission policy refuses any other.
    const refused = await run(
      'ssh',
      sshArgs(ssh, `kubectl delete deployment hello --namespace ${namespace}`),
    ).catch((e: { stderr: string }) => e);
    expect((refused as { stderr: string }).stderr).toContain('deployments.apps "hello" is forbidden');
    expect((refused as { stderr: string }).stderr).toContain(
      'k8s-ship-deployer may delete only the Deployments a canary or blue/green deploy made',
    );
  });
});
