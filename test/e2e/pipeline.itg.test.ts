import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { escapeHtml } from '../../actions/lib/src/summary.js';
import type { Shipment } from '../../cli/src/demo/ship.js';
import { deleteEvent, type RunnerEvent } from '../../runner/src/events.js';
import { repoRoot } from '../../runner/src/paths.js';
import { runBundledAction, type StepRun } from '../../runner/src/run-bundle.js';
import { buildImageWithNpmPackages } from '../../sandbox/src/scan-images.js';
import { type LoadReport, startSteadyLoad } from '../../sandbox/test/steady-load.js';
import { BROKEN_RUNTIME_ERROR, buildBrokenRuntime } from './broken-runtime.js';
import { E2eSandbox } from './e2e-sandbox.js';
import type { KubeObject } from './kubectl.js';
import { get, serviceUrl } from './service-proxy.js';

const DEPLOYMENT = 'metrics-api';

/** The outcome in one line, for an assertion's message: exit code, the rollout's reason, the CLI's log. */
const explain = (shipment: Shipment) =>
  `exit ${shipment.exitCode}, result ${shipment.outputs.result}: ${shipment.outputs.reason}\n${shipment.log}`;

/** The object of `kind` named metrics-api in a rendered overlay. */
function rendered(objects: readonly KubeObject[], kind: string): KubeObject {
  const object = objects.find(
    (candidate) => candidate.kind === kind && candidate.metadata.name === DEPLOYMENT,
  );
  if (!object) throw new Error(`the overlay renders no ${kind} ${DEPLOYMENT}`);
  return object;
}

/**
 * The pipeline end to end on the sandbox, as the deploy workflow starts it: `k8s-ship pipeline` (the
 * root action through the composite runner and the committed bundles, the demo's code path) builds the
 * real service (service/Dockerfile on the local bases), pushes it, scans it with the Trivy built here,
 * deploys it over SSH from the real overlays (k8s/overlays/*) to the sandbox's Kubernetes cluster and
 * watches the rollout. Every outcome is read back with the real kubectl and through the API server's
 * service proxy (`kubectl proxy`). One commit, one build time:
 * the scenarios ship one image (built once, then from the layer cache) to their own namespaces.
 */
describe('the pipeline end to end on the sandbox', () => {
  let sandbox: E2eSandbox;

  beforeAll(async () => {
    sandbox = await E2eSandbox.start();
  });

  afterAll(async () => {
    await sandbox?.cleanup();
  });

  describe('a push to a feature branch with preview on', () => {
    let shipment: Shipment;
    let namespace: string;

    beforeAll(async () => {
      shipment = await sandbox.ship({ branch: 'feature/e2e-cart', preview: true });
      namespace = `${sandbox.namespacePrefix}preview-feature-e2e-cart`;
    });

    test('succeeds into the branch’s own preview namespace, created from the preview overlay', async () => {
      expect(shipment.exitCode, explain(shipment)).toBe(0);
      expect(shipment.outputs).toMatchObject({
        environment: 'preview',
        namespace,
        overlay: 'k8s/overlays/preview',
        'is-production': 'false',
        bootstrapped: 'true',
        result: 'succeeded',
      });
      const created = await sandbox.kubectl.json(['get', 'namespace', namespace]);
      // The preview overlay's own label, which a cleanup job finds previews by, and the restricted-namespace
      // component's Pod Security labels.
      expect(created.metadata.labels).toMatchObject({
        'k8s-ship.io/preview': 'true',
        'pod-security.kubernetes.io/enforce': 'restricted',
      });
    });

    test('the API server’s PodSecurity admission enforces the namespace’s restricted profile', async () => {
      // A pod without the restricted securityContext is refused (a server-side dry run: nothing is created),
      // while the service's own pods, which set it, were admitted above.
      const refused = await sandbox.kubectl
        .run([
          'run',
          'pod-security-check',
          '--image=k8s-ship/none',
          '--restart=Never',
          '--dry-run=server',
          '--namespace',
          namespace,
        ])
        .then(
          (stdout) => `admitted: ${stdout}`,
          (error: Error & { stderr?: string }) => error.stderr ?? error.message,
        );
      expect(refused).toMatch(/violates PodSecurity "restricted:v1\.\d+"/);
    });

    test('the Deployment runs the pushed image, is available, and the service answers /ready', async () => {
      await sandbox.kubectl.waitAvailable(namespace, DEPLOYMENT);
      const deployment = await sandbox.kubectl.deployment(namespace, DEPLOYMENT);
      expect(deployment.spec.template.spec.containers[0]?.image).toBe(shipment.outputs['image-ref']);
      expect(deployment.status.availableReplicas).toBe(1);
      const url = serviceUrl(sandbox.ready.endpoints.kube.proxyUrl, namespace);
      expect(await get(`${url}/ready`)).toMatchObject({ status: 200 });
      const info = JSON.parse((await get(`${url}/info`)).body) as { environment?: string };
      expect(info.environment).toBe('preview');
    });
  });

  describe('a push to main', () => {
    let shipment: Shipment;
    const namespace = () => `${sandbox.namespacePrefix}prod`;

    beforeAll(async () => {
      shipment = await sandbox.ship({ branch: 'main' });
    });

    test('deploys to the prod namespace with the HPA and PDB of the prod overlay', async () => {
      expect(shipment.exitCode, explain(shipment)).toBe(0);
      expect(shipment.outputs).toMatchObject({
        environment: 'prod',
        namespace: namespace(),
        overlay: 'k8s/overlays/prod',
        'is-production': 'true',
        bootstrapped: 'true',
        result: 'succeeded',
      });
      const overlay = await sandbox.kubectl.render('k8s/overlays/prod');
      const live = await sandbox.kubectl.list(namespace(), 'hpa,pdb');
      expect(live.map((object) => `${object.kind}/${object.metadata.name}`).sort()).toEqual([
        `HorizontalPodAutoscaler/${DEPLOYMENT}`,
        `PodDisruptionBudget/${DEPLOYMENT}`,
      ]);
      for (const object of live) {
        expect(object.spec, object.kind).toMatchObject(rendered(overlay, object.kind).spec ?? {});
      }
      const hpa = live.find((object) => object.kind === 'HorizontalPodAutoscaler');
      expect(hpa?.spec).toMatchObject({
        minReplicas: 2,
        scaleTargetRef: { kind: 'Deployment', name: DEPLOYMENT },
      });
    });

    test('the Deployment is available with the HPA’s minReplicas, as on a real cluster', async () => {
      // prod sets no `replicas` (the HPA owns the count): the Deployment starts at the API's default of 1,
      // and kube-controller-manager's HPA controller raises it to minReplicas (it needs no metrics for that).
      const overlay = await sandbox.kubectl.render('k8s/overlays/prod');
      expect(rendered(overlay, 'Deployment').spec?.replicas).toBeUndefined();
      const expected = rendered(overlay, 'HorizontalPodAutoscaler').spec?.minReplicas;
      expect(expected).toBe(2);
      await expect
        .poll(
          async () => (await sandbox.kubectl.deployment(namespace(), DEPLOYMENT)).status?.availableReplicas,
          {
            timeout: 90_000,
            interval: 500,
          },
        )
        .toBe(expected);
      await sandbox.kubectl.waitAvailable(namespace(), DEPLOYMENT);
      const deployment = await sandbox.kubectl.deployment(namespace(), DEPLOYMENT);
      expect(deployment.spec.replicas).toBe(expected);
      expect(deployment.spec.template.spec.containers[0]?.image).toBe(shipment.outputs['image-ref']);
      const [hpa] = await sandbox.kubectl.list(namespace(), 'hpa');
      expect(hpa?.status).toMatchObject({ desiredReplicas: expected });
      // The disruption controller's view of the PDB (maxUnavailable: 1): both pods healthy, one may go.
      await expect
        .poll(async () => (await sandbox.kubectl.list(namespace(), 'pdb'))[0]?.status, {
          timeout: 30_000,
          interval: 1000,
        })
        .toMatchObject({ expectedPods: expected, currentHealthy: expected, disruptionsAllowed: 1 });
    }, 120_000);

    test('a second deploy of the same commit pushes the same digest and rolls nothing out', async () => {
      const before = await sandbox.kubectl.deployment(namespace(), DEPLOYMENT);
      const replicaSets = await sandbox.kubectl.list(namespace(), 'replicasets');
      const again = await sandbox.ship({ branch: 'main' });
      expect(again.exitCode, explain(again)).toBe(0);
      expect(again.outputs).toMatchObject({
        digest: shipment.outputs.digest,
        bootstrapped: 'false',
        changed: 'false',
        revision: shipment.outputs.revision,
        result: 'succeeded',
      });
      const after = await sandbox.kubectl.deployment(namespace(), DEPLOYMENT);
      expect(after.metadata.generation).toBe(before.metadata.generation);
      expect(after.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe(
        shipment.outputs.revision,
      );
      const names = (objects: KubeObject[]) => objects.map((object) => object.metadata.name).sort();
      expect(names(await sandbox.kubectl.list(namespace(), 'replicasets'))).toEqual(names(replicaSets));
    });

    test('the image that passed the gate got every tag, all naming its one digest', async () => {
      expect(shipment.exitCode, explain(shipment)).toBe(0);
      const references = shipment.outputs.tags?.split('\n').filter(Boolean) ?? [];
      expect(references.length, shipment.outputs.tags).toBeGreaterThanOrEqual(2);
      for (const reference of references) {
        expect(
          reference.startsWith(`${sandbox.ready.endpoints.registry.address}/${sandbox.repository}:`),
        ).toBe(true);
        const tag = reference.slice(reference.lastIndexOf(':') + 1);
        expect(await sandbox.registryDigest(tag), reference).toBe(shipment.outputs.digest);
      }
    });

    test('an image with a critical advisory fails the gate: no tag names it, prod is untouched, the summary names the CVE', async () => {
      expect(shipment.exitCode, 'needs the good prod deploy above').toBe(0);
      const before = await sandbox.kubectl.deployment(namespace(), DEPLOYMENT);
      // The service's own Dockerfile and bundle on a runtime that carries lodash 4.17.11 (CVE-2019-10744,
      // CRITICAL in the local DB): the same commit, so the same tag names as the good image.
      const runtime = await buildImageWithNpmPackages(
        { host: sandbox.dockerHost },
        `k8s-ship-e2e/lodash-runtime:${process.pid}`,
        sandbox.imageLabel,
        [{ name: 'lodash', version: '4.17.11' }],
      );
      const bad = await sandbox.ship({ branch: 'main', runtimeImage: runtime });

      expect(bad.exitCode, explain(bad)).toBe(1);
      expect(bad.outputs['scan-passed']).toBe('false');
      expect(bad.outputs.tags ?? '').toBe('');
      const scanned = bad.outputs.digest as string;
      expect(scanned).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(scanned).not.toBe(shipment.outputs.digest);
      // The scanned image is in the registry by its digest only; every tag still names the good image.
      expect(await sandbox.registryDigest(scanned)).toBe(scanned);
      const tags = await sandbox.registryTags();
      expect(tags.length).toBeGreaterThanOrEqual(2);
      for (const tag of tags) expect(await sandbox.registryDigest(tag), tag).toBe(shipment.outputs.digest);

      const after = await sandbox.kubectl.deployment(namespace(), DEPLOYMENT);
      expect(after.metadata.generation).toBe(before.metadata.generation);
      expect(after.spec.template.spec.containers[0]?.image).toBe(shipment.outputs['image-ref']);

      expect(bad.jobSummaryFile, bad.log).toBeDefined();
      const summary = readFileSync(bad.jobSummaryFile as string, 'utf8');
      expect(summary).toContain('CVE-2019-10744');
      expect(summary).toMatch(
        /<td>lodash<\/td>\s*<td>4\.17\.11<\/td>\s*<td>4\.17\.12<\/td>\s*<td>CRITICAL<\/td>/,
      );
    }, 300_000);
  });

  describe('a manual run (workflow_dispatch) choosing stage from a feature branch, then a bad image', () => {
    const branch = 'feature/e2e-dispatch';
    const namespace = () => `${sandbox.namespacePrefix}stage`;
    let good: Shipment;

    beforeAll(async () => {
      // A workflow_dispatch event with the choice in its payload; the deploy workflow's reusable pipeline
      // also passes the choice as the root action's input, as ship() does.
      good = await sandbox.ship({ branch, environment: 'stage' });
    });

    test('deploys to the stage namespace with stage’s two replicas, whatever the branch maps to', async () => {
      expect(good.exitCode, explain(good)).toBe(0);
      expect(good.outputs).toMatchObject({
        environment: 'stage',
        namespace: namespace(),
        overlay: 'k8s/overlays/stage',
        'is-production': 'false',
        bootstrapped: 'true',
        result: 'succeeded',
      });
      await sandbox.kubectl.waitAvailable(namespace(), DEPLOYMENT);
      const deployment = await sandbox.kubectl.deployment(namespace(), DEPLOYMENT);
      expect(deployment.spec.replicas).toBe(2);
      expect(deployment.status.availableReplicas).toBe(2);
    });

    test('a crashing image under load fails fast, rolls back, loses no request, and the summary says why', async () => {
      expect(good.exitCode, 'needs the good stage deploy above').toBe(0);
      const broken = await buildBrokenRuntime(
        sandbox.dockerHost,
        sandbox.baseImages.runtime,
        `k8s-ship-e2e/broken-runtime:${process.pid}`,
        sandbox.imageLabel,
      );
      const url = serviceUrl(sandbox.ready.endpoints.kube.proxyUrl, namespace());
      // Bounded: it stops by itself after 4 minutes or 40,000 requests, whichever comes first.
      const load = startSteadyLoad(`${url}/health`, {
        keepAliveWorkers: 2,
        freshWorkers: 2,
        pauseMs: 20,
        maxRequests: 40_000,
        maxMs: 240_000,
      });
      let bad: Shipment;
      let report: LoadReport;
      try {
        await expect.poll(() => load.succeeded, { timeout: 10_000 }).toBeGreaterThan(20);
        bad = await sandbox.ship({
          branch,
          environment: 'stage',
          runtimeImage: broken,
          // One restart in CrashLoopBackOff is proof enough: fail at once, long before the timeout.
          extraArguments: ['--crash-loop-restarts', '1', '--rollout-timeout', '3m'],
        });
        const afterRollback = load.succeeded;
        await expect.poll(() => load.succeeded, { timeout: 10_000 }).toBeGreaterThan(afterRollback + 20);
      } finally {
        report = await load.stop();
      }

      expect(bad.exitCode, explain(bad)).toBe(1);
      expect(bad.outputs.digest).not.toBe(good.outputs.digest);
      expect(bad.outputs).toMatchObject({ changed: 'true', result: 'rolled-back' });
      expect(bad.outputs.reason).toMatch(/CrashLoopBackOff/);
      const rollout = bad.result?.steps.find((step) => step.label === 'rollout');
      expect(rollout?.outcome).toBe('failure');
      expect(rollout?.durationMs).toBeLessThan(120_000);

      await sandbox.kubectl.waitAvailable(namespace(), DEPLOYMENT);
      const deployment = await sandbox.kubectl.deployment(namespace(), DEPLOYMENT);
      expect(deployment.spec.template.spec.containers[0]?.image).toBe(good.outputs['image-ref']);
      expect(deployment.status.availableReplicas).toBe(2);

      expect(report.failures, JSON.stringify(report.failures.slice(0, 10))).toEqual([]);
      expect(report.endedByBound).toBe(false);
      expect(report.succeeded).toBeGreaterThan(100);

      expect(bad.jobSummaryFile, bad.log).toBeDefined();
      const summary = readFileSync(bad.jobSummaryFile as string, 'utf8');
      expect(summary).toContain(`deployment/${DEPLOYMENT} in ${namespace()} failed and was rolled back`);
      expect(summary).toMatch(new RegExp(`${DEPLOYMENT}-[a-z0-9]+-[a-z0-9]+`));
      expect(summary).toContain('CrashLoopBackOff');
      expect(summary).toMatch(/to revision \d+, available again after/);
      // The failing container's last log lines: node's own words on why it stopped.
      expect(summary).toContain(escapeHtml(BROKEN_RUNTIME_ERROR));
    }, 420_000);
  });

  describe('the feature branch is deleted: preview-cleanup over SSH as the deploy user', () => {
    const branch = 'feature/e2e-cart';
    const preview = () => `${sandbox.namespacePrefix}preview-feature-e2e-cart`;
    const second = () => `${sandbox.namespacePrefix}preview-feature-e2e-second`;
    const longLived = () => ['dev', 'stage', 'prod'].map((env) => `${sandbox.namespacePrefix}${env}`);
    let cleanup: (event: RunnerEvent) => Promise<StepRun>;

    beforeAll(async () => {
      const other = await sandbox.ship({ branch: 'feature/e2e-second', preview: true });
      expect(other.exitCode, explain(other)).toBe(0);
      // dev, stage and prod as the pipeline makes them; main's and the dispatch's runs above made some.
      for (const namespace of longLived()) {
        sandbox.track(namespace);
        if (!(await sandbox.kubectl.exists('namespace', namespace))) {
          await sandbox.kubectl.run(['create', 'namespace', namespace]);
        }
      }
      const ssh = sandbox.ready.endpoints.ssh;
      if (!ssh) throw new Error('the sandbox has no SSH host');
      cleanup = async (event) =>
        (
          await runBundledAction({
            actionDir: join(repoRoot, 'actions', 'preview-cleanup'),
            node: 'node24',
            event,
            inputs: {
              'namespace-prefix': sandbox.namespacePrefix,
              host: ssh.host,
              port: String(ssh.port),
              user: ssh.user,
              'private-key': readFileSync(ssh.privateKeyFile, 'utf8'),
              'host-key': ssh.knownHostsLine,
              'delete-timeout': '3m',
            },
            timeoutMs: 240_000,
          })
        ).main;
    }, 600_000);

    test('removes that preview’s namespace and only it; a second run is a no-op that says so', async () => {
      expect(await sandbox.kubectl.exists('namespace', preview())).toBe(true);
      const first = await cleanup(deleteEvent(branch));
      expect(first.exitCode, first.visibleLog).toBe(0);
      expect(first.outputs).toMatchObject({ namespace: preview(), cluster: 'deleted' });
      expect(await sandbox.kubectl.exists('namespace', preview())).toBe(false);
      for (const namespace of [second(), ...longLived()]) {
        expect(await sandbox.kubectl.exists('namespace', namespace), namespace).toBe(true);
      }
      await sandbox.kubectl.waitAvailable(second(), DEPLOYMENT);

      const again = await cleanup(deleteEvent(branch));
      expect(again.exitCode, again.visibleLog).toBe(0);
      expect(again.outputs.cluster).toBe('absent');
      expect(again.stdout).toContain(`Nothing to do: the preview of ${branch} was already gone.`);
    }, 300_000);

    test('the API refuses the deploy user the deletion of prod, even with the action’s own check bypassed', async () => {
      const refused = await sandbox.sshKubectl([
        'delete',
        'namespace',
        `${sandbox.namespacePrefix}prod`,
        '--wait=false',
      ]);
      expect(refused.exitCode).not.toBe(0);
      expect(refused.stderr).toMatch(/denied|forbidden/i);
      expect(await sandbox.kubectl.exists('namespace', `${sandbox.namespacePrefix}prod`)).toBe(true);
    });
  });
});
