import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../src/paths.js';
import { eventually, type KubeSandbox, startKubeSandbox } from './kube-harness.js';

// biome-ignore lint/suspicious/noExplicitAny: tests read open-ended Kubernetes JSON
type Json = any;

/** The API layer of the Kubernetes sandbox, judged by the real kubectl 1.32. */
let kube: KubeSandbox;
let overlay: string;

beforeAll(async () => {
  kube = await startKubeSandbox();
  // An overlay of the fixture that points its image at the local Node image of this machine.
  overlay = mkdtempSync(join(tmpdir(), 'kube-overlay-'));
  const [name, tag] = kube.nodeImage.split(/:(?=[^:]+$)/);
  writeFileSync(
    join(overlay, 'kustomization.yaml'),
    JSON.stringify({
      resources: [relative(overlay, join(repoRoot, 'sandbox/test/fixtures/kube/app'))],
      images: [{ name: 'k8s-ship.local/node-runtime', newName: name, newTag: tag }],
    }),
  );
});

afterAll(async () => {
  rmSync(overlay, { recursive: true, force: true });
  await kube?.stop();
});

describe('kube sandbox API with the real kubectl', () => {
  it('serves discovery that kubectl understands, including the stored-as-given kinds', async () => {
    const version = JSON.parse((await kube.kubectl(['version', '-o', 'json'])).stdout);
    expect(version.serverVersion.minor).toBe('32');
    const resources = (await kube.kubectl(['api-resources', '-o', 'name'])).stdout.split('\n');
    for (const r of [
      'deployments.apps',
      'pods',
      'horizontalpodautoscalers.autoscaling',
      'servicemonitors.monitoring.coreos.com',
    ]) {
      expect(resources).toContain(r);
    }
  });

  it('applies a kustomize directory, rolls it out, and finds nothing to change the second time', async () => {
    const first = await kube.kubectl(['apply', '-k', overlay]);
    expect(first.stdout).toContain('namespace/kube-test-app created');
    expect(first.stdout).toContain('deployment.apps/web created');
    expect(first.stdout).toContain('servicemonitor.monitoring.coreos.com/web created');
    await kube.kubectl(['-n', 'kube-test-app', 'rollout', 'status', 'deployment/web', '--timeout=90s']);
    const again = await kube.kubectl(['apply', '-k', overlay]);
    // A PodDisruptionBudget shows `configured` on real clusters too: kubectl always resends its selector.
    for (const object of [
      'namespace/kube-test-app',
      'service/web',
      'deployment.apps/web',
      'servicemonitor.monitoring.coreos.com/web',
    ]) {
      expect(again.stdout).toContain(`${object} unchanged`);
    }

    const d = await kube.json(['-n', 'kube-test-app', 'get', 'deployment', 'web']);
    expect(d.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain(
      '"name":"web"',
    );
    expect(d.metadata.annotations['deployment.kubernetes.io/revision']).toBe('1');
    expect(d.status).toMatchObject({
      observedGeneration: 1,
      replicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      updatedReplicas: 2,
    });
    const reasons = Object.fromEntries(d.status.conditions.map((c: Json) => [c.type, c.reason]));
    expect(reasons).toEqual({ Available: 'MinimumReplicasAvailable', Progressing: 'NewReplicaSetAvailable' });

    const svc = await kube.json(['-n', 'kube-test-app', 'get', 'service', 'web']);
    const proxyPort = JSON.parse(svc.metadata.annotations['sandbox.k8s-ship/proxy-ports'])['80'];
    const body = await (await fetch(`http://127.0.0.1:${proxyPort}/`)).text();
    expect(body).toBe('kustomized from-kustomize\n');
  });

  it('prints server-side tables, with wide columns and label selectors', async () => {
    const pods = (await kube.kubectl(['-n', 'kube-test-app', 'get', 'pods', '-l', 'app=web', '-o', 'wide']))
      .stdout;
    expect(pods.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE/);
    expect(pods.match(/web-[a-z0-9]+-[a-z0-9]{5}\s+1\/1\s+Running\s+0/g)).toHaveLength(2);
    const none = await kube.kubectl(['-n', 'kube-test-app', 'get', 'pods', '-l', 'app=nothing']);
    expect(none.stderr).toContain('No resources found in kube-test-app namespace.');
    const deploy = (await kube.kubectl(['-n', 'kube-test-app', 'get', 'deploy'])).stdout;
    expect(deploy).toMatch(/web\s+2\/2\s+2\s+2\s+/);
  });

  it('streams --watch events for creations, changes and deletions', async () => {
    const watcher = spawn(
      'kubectl',
      ['get', 'configmaps', '-l', 'test=watch', '--watch', '--output-watch-events'],
      {
        env: { ...process.env, KUBECONFIG: kube.kubeconfig },
      },
    );
    let out = '';
    watcher.stdout.on('data', (d) => {
      out += d;
    });
    try {
      await new Promise((r) => setTimeout(r, 1000));
      const cm = JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'watched', labels: { test: 'watch' } },
        data: { a: '1' },
      });
      await kube.kubectl(['apply', '-f', '-'], cm);
      await kube.kubectl(['patch', 'configmap', 'watched', '--type=merge', '-p', '{"data":{"b":"2"}}']);
      await kube.kubectl(['delete', 'configmap', 'watched']);
      await eventually(
        'the watch to show three events',
        async () => out,
        (o) => /DELETED\s+watched/.test(o),
        20_000,
      );
      expect(out).toMatch(/ADDED\s+watched\s+1/);
      expect(out).toMatch(/MODIFIED\s+watched\s+2/);
    } finally {
      watcher.kill('SIGTERM');
    }
  });

  it('answers mistakes with the Status objects a real API server sends', async () => {
    expect(await kube.kubectlFails(['get', 'deployment', 'nope'])).toContain(
      'Error from server (NotFound): deployments.apps "nope" not found',
    );
    const invalid = JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'invalid' },
      spec: {
        selector: { matchLabels: { app: 'a' } },
        template: { metadata: { labels: { app: 'b' } }, spec: { containers: [{ name: 'c', image: 'x:1' }] } },
      },
    });
    expect(await kube.kubectlFails(['apply', '-f', '-'], invalid)).toContain(
      'Deployment "invalid" is invalid: spec.template.metadata.labels: Invalid value: {"app":"b"}: `selector` does not match template `labels`',
    );
    const cm = await kube.json([
      '-n',
      'kube-test-app',
      'get',
      'configmap',
      '-l',
      'app.kubernetes.io/part-of=kube-sandbox-test',
    ]);
    const stale = { ...cm.items[0], data: { GREETING: 'stale' } };
    await kube.kubectl(['-n', 'kube-test-app', 'annotate', 'configmap', stale.metadata.name, 'touched=yes']);
    expect(await kube.kubectlFails(['replace', '-f', '-'], JSON.stringify(stale))).toContain(
      'the object has been modified',
    );
  });

  it('patches in JSON, merge and strategic flavours and scales through the scale subresource', async () => {
    const ns = ['-n', 'kube-test-app'];
    await kube.kubectl([
      ...ns,
      'patch',
      'deployment',
      'web',
      '--type=json',
      '-p',
      '[{"op":"add","path":"/metadata/labels/patched","value":"json"}]',
    ]);
    await kube.kubectl([
      ...ns,
      'patch',
      'deployment',
      'web',
      '--type=merge',
      '-p',
      '{"metadata":{"annotations":{"patched":"merge"}}}',
    ]);
    await kube.kubectl([
      ...ns,
      'patch',
      'deployment',
      'web',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"web","env":[{"name":"EXTRA","value":"1"}]}]}}}}',
    ]);
    const d = await kube.json([...ns, 'get', 'deployment', 'web']);
    expect(d.metadata.labels.patched).toBe('json');
    expect(d.metadata.annotations.patched).toBe('merge');
    expect(d.spec.template.spec.containers[0].env).toEqual([{ name: 'EXTRA', value: '1' }]);
    expect(d.spec.template.spec.containers[0].command[0]).toBe('node');
    expect(d.metadata.generation).toBe(2);
    // Within the bounds of the fixture's HPA (2 to 4), which would scale a count outside them back.
    await kube.kubectl([...ns, 'scale', 'deployment', 'web', '--replicas=3']);
    await kube.kubectl([...ns, 'rollout', 'status', 'deployment/web', '--timeout=90s']);
    const pods = await kube.json([
      ...ns,
      'get',
      'pods',
      '-l',
      'app=web',
      '--field-selector',
      'status.phase=Running',
    ]);
    await eventually(
      'three pods after scaling to 3',
      async () => (await kube.json([...ns, 'get', 'pods', '-l', 'app=web'])).items.length,
      (n) => n === 3,
    );
    expect(pods.items.length).toBeGreaterThanOrEqual(1);
  });

  it('fails requests on purpose when a fault is switched on, then recovers', async () => {
    const set = await fetch(`${kube.url}/sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ failNext: { count: 1, code: 500 } }),
    });
    expect(set.status).toBe(200);
    expect(await kube.kubectlFails(['get', 'namespaces'])).toMatch(/InternalError|sandbox fault/);
    expect((await kube.kubectl(['get', 'namespaces'])).stdout).toContain('kube-test-app');

    const rv = (await kube.json(['get', 'configmaps', '-A'])).metadata.resourceVersion;
    await fetch(`${kube.url}/sandbox/faults`, { method: 'POST', body: JSON.stringify({ compact: true }) });
    const watch = await fetch(`${kube.url}/api/v1/configmaps?watch=1&resourceVersion=${Number(rv) - 1}`);
    const event = JSON.parse((await watch.text()).split('\n')[0]!);
    expect(event).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });

    const bad = await fetch(`${kube.url}/sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ failNext: { count: 1, code: 299 } }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('failNext.code must be one of');
  });

  it('deletes a namespace with everything in it, stopping its pods', async () => {
    await kube.kubectl(['delete', 'namespace', 'kube-test-app', '--timeout=90s']);
    expect(await kube.kubectlFails(['get', 'namespace', 'kube-test-app'])).toContain(
      'namespaces "kube-test-app" not found',
    );
    const pods = await kube.json(['get', 'pods', '-A']);
    expect(pods.items).toEqual([]);
  });
});
