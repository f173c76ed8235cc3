import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerEnv } from '../src/docker-engine.js';
import { run } from '../src/exec.js';
import { nodeDockerConfigDir } from '../src/kube/runtime/node-credentials.js';
import { useSandbox } from '../src/testing.js';
import { eventually, httpServerCommand, type KubeSandbox, startKubeSandbox } from './kube-harness.js';

/** The pod runtime: real containers, pull secrets against the real registry, and the failure states. */
let kube: KubeSandbox;
const ns = ['-n', 'kube-test-pods'];

function pod(name: string, container: Record<string, unknown>, spec: Record<string, unknown> = {}): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'kube-test-pods' },
    spec: { terminationGracePeriodSeconds: 1, ...spec, containers: [{ name: 'main', ...container }] },
  });
}

async function podStatus(name: string) {
  return (await kube.json([...ns, 'get', 'pod', name])).status;
}

beforeAll(async () => {
  kube = await startKubeSandbox();
  await kube.kubectl(
    ['apply', '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-test-pods' } }),
  );
});

afterAll(async () => {
  await kube?.stop();
});

describe('pods on the kube sandbox', () => {
  it('shows CrashLoopBackOff with the last termination for a container that exits', async () => {
    await kube.kubectl(
      ['apply', '-f', '-'],
      pod('crash', { image: kube.nodeImage, command: ['node', '-e', "console.log('bye'); process.exit(3)"] }),
    );
    const status = await eventually(
      'CrashLoopBackOff',
      () => podStatus('crash'),
      (s) => s?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff',
    );
    const container = status.containerStatuses[0];
    expect(container.restartCount).toBeGreaterThanOrEqual(1);
    expect(container.lastState.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(container.state.waiting.message).toMatch(
      /^back-off \d+(\.\d)?s restarting failed container=main pod=crash_kube-test-pods\(/,
    );
    expect(status.phase).toBe('Running');
    expect((await kube.kubectl([...ns, 'get', 'pods', 'crash'])).stdout).toMatch(
      /crash\s+0\/1\s+CrashLoopBackOff\s+\d+ \(\d+s ago\)/,
    );
    expect((await kube.kubectl([...ns, 'logs', 'crash', '--previous'])).stdout).toBe('bye\n');
    const events = (
      await kube.kubectl([...ns, 'get', 'events', '--field-selector', 'involvedObject.name=crash'])
    ).stdout;
    expect(events).toMatch(/Warning\s+BackOff\s+pod\/crash\s+Back-off restarting failed container main/);
  });

  it('shows InvalidImageName and CreateContainerConfigError with the reasons a kubelet gives', async () => {
    await kube.kubectl(['apply', '-f', '-'], pod('badname', { image: 'Not//Valid' }));
    await kube.kubectl(
      ['apply', '-f', '-'],
      pod('nokey', {
        image: kube.nodeImage,
        env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'absent', key: 'k' } } }],
      }),
    );
    const bad = await eventually(
      'InvalidImageName',
      () => podStatus('badname'),
      (s) => s?.containerStatuses?.[0]?.state?.waiting?.reason === 'InvalidImageName',
    );
    expect(bad.phase).toBe('Pending');
    const nokey = await eventually(
      'CreateContainerConfigError',
      () => podStatus('nokey'),
      (s) => s?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError',
    );
    expect(nokey.containerStatuses[0].state.waiting.message).toBe('configmap "absent" not found');
    // Once the ConfigMap exists the container starts, as a kubelet retries.
    await kube.kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'absent', namespace: 'kube-test-pods' },
        data: { k: 'v' },
      }),
    );
    await eventually(
      'the container to start',
      () => podStatus('nokey'),
      (s) =>
        Boolean(
          s?.containerStatuses?.[0]?.state?.running ||
            s?.containerStatuses?.[0]?.state?.terminated ||
            s?.containerStatuses?.[0]?.lastState?.terminated,
        ),
    );
  });

  it('pulls from the registry with the pod pull secret, and fails to without it', async () => {
    const { registry } = await useSandbox(['registry']);
    const credentials = JSON.parse(readFileSync(registry.credentialsFile, 'utf8')) as {
      username: string;
      password: string;
    };
    const image = `${registry.address}/kube-test/app:1`;
    const env = dockerEnv(kube.engine);
    const config = mkdtempSync(join(tmpdir(), 'kube-test-docker-'));
    try {
      await run(
        'docker',
        [
          '--config',
          config,
          'login',
          '--username',
          credentials.username,
          '--password-stdin',
          registry.address,
        ],
        { env, input: credentials.password },
      );
      await run('docker', ['tag', kube.nodeImage, image], { env });
      await run('docker', ['--config', config, 'push', '--quiet', image], { env });
      await run('docker', ['rmi', image], { env });
    } finally {
      rmSync(config, { recursive: true, force: true });
    }
    const auth = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
    const dockerconfig = Buffer.from(JSON.stringify({ auths: { [registry.address]: { auth } } })).toString(
      'base64',
    );
    await kube.kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/dockerconfigjson',
        metadata: { name: 'registry', namespace: 'kube-test-pods' },
        data: { '.dockerconfigjson': dockerconfig },
      }),
    );
    const container = {
      image,
      imagePullPolicy: 'Always',
      command: httpServerCommand('pulled'),
      readinessProbe: { httpGet: { path: '/' }, periodSeconds: 1 },
    };
    await kube.kubectl(
      ['apply', '-f', '-'],
      pod('with-secret', container, { imagePullSecrets: [{ name: 'registry' }] }),
    );
    await kube.kubectl(['apply', '-f', '-'], pod('without-secret', container));
    await kube.kubectl([...ns, 'wait', '--for=condition=Ready', 'pod/with-secret', '--timeout=90s']);
    const denied = await eventually(
      'ErrImagePull or ImagePullBackOff',
      () => podStatus('without-secret'),
      (s) => ['ErrImagePull', 'ImagePullBackOff'].includes(s?.containerStatuses?.[0]?.state?.waiting?.reason),
    );
    expect(denied.phase).toBe('Pending');
    const events = (
      await kube.kubectl([...ns, 'get', 'events', '--field-selector', 'involvedObject.name=without-secret'])
    ).stdout;
    expect(events).toContain(`Failed to pull image "${image}"`);
    expect((await kube.kubectl([...ns, 'get', 'pods', 'without-secret'])).stdout).toMatch(
      /0\/1\s+(ErrImagePull|ImagePullBackOff)/,
    );
    await run('docker', ['rmi', image], { env }).catch(() => undefined);
  });

  it('pulls with the node’s own registry credentials when the pod names no pull secret', async () => {
    const { registry } = await useSandbox(['registry']);
    const { username, password } = JSON.parse(readFileSync(registry.credentialsFile, 'utf8')) as {
      username: string;
      password: string;
    };
    const image = `${registry.address}/kube-test/app:node-credentials`;
    const env = dockerEnv(kube.engine);
    // Provisioning the node, as a kubelet's /var/lib/kubelet/config.json: the sandbox reads it at pull time.
    const nodeConfig = nodeDockerConfigDir(join(kube.stateDir, 'kube'));
    const login = ['login', '--username', username, '--password-stdin', registry.address];
    await run('docker', ['--config', nodeConfig, ...login], { env, input: password });
    await run('docker', ['tag', kube.nodeImage, image], { env });
    await run('docker', ['--config', nodeConfig, 'push', '--quiet', image], { env });
    await run('docker', ['rmi', image], { env });
    try {
      await kube.kubectl(
        ['apply', '-f', '-'],
        pod('node-credentials', {
          image,
          imagePullPolicy: 'Always',
          command: httpServerCommand('pulled'),
          readinessProbe: { httpGet: { path: '/' }, periodSeconds: 1 },
        }),
      );
      await kube.kubectl([...ns, 'wait', '--for=condition=Ready', 'pod/node-credentials', '--timeout=90s']);
      const events = (
        await kube.kubectl([
          ...ns,
          'get',
          'events',
          '--field-selector',
          'involvedObject.name=node-credentials',
        ])
      ).stdout;
      expect(events).toContain(`Successfully pulled image "${image}"`);
    } finally {
      rmSync(nodeConfig, { recursive: true, force: true });
      await kube.kubectl([...ns, 'delete', 'pod', 'node-credentials', '--ignore-not-found', '--timeout=60s']);
      await run('docker', ['rmi', image], { env }).catch(() => undefined);
    }
  });

  it('stops a deleted pod gracefully and removes its containers', async () => {
    const { stdout } = await kube.kubectl([...ns, 'delete', 'pods', '--all', '--timeout=60s']);
    expect(stdout).toContain('pod "crash" deleted');
    expect((await kube.json([...ns, 'get', 'pods'])).items).toEqual([]);
    const left = await run(
      'docker',
      ['ps', '--all', '--quiet', '--filter', `label=k8s-ship.sandbox=${kube.instanceId}`],
      {
        env: dockerEnv(kube.engine),
      },
    );
    expect(left.stdout.trim()).toBe('');
  });
});
