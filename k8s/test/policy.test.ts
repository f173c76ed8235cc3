import { beforeAll, describe, expect, it } from 'vitest';
import { kustomizeBuild } from '../../actions/lib/src/kubectl/kustomize.js';
import { findObject, get, type KubeObject, parseManifests } from '../src/manifests.js';
import { OVERLAYS, type Overlay, overlayDir } from '../src/paths.js';
import {
  environmentConfigured,
  gracefulShutdown,
  imagesPinned,
  namespaceRestricted,
  networkLockedDown,
  noServiceAccountToken,
  overlayPolicyProblems,
  probesOnServiceEndpoints,
  resourcesBounded,
  restrictedPodSecurity,
  scalingMatchesEnvironment,
} from '../src/policy.js';

// Tests reach deep into rendered objects to break one field at a time; typing each path buys nothing.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Loose = Record<string, any>;

const rendered = new Map<Overlay, KubeObject[]>();

beforeAll(async () => {
  for (const overlay of OVERLAYS)
    rendered.set(overlay, parseManifests((await kustomizeBuild(overlayDir(overlay))).yaml));
});

/** A deep copy of an overlay's render, changed by `edit`: each rule must catch its own breakage. */
function broken(overlay: Overlay, edit: (objects: KubeObject[]) => void): KubeObject[] {
  const objects = structuredClone(rendered.get(overlay)!);
  edit(objects);
  return objects;
}

const deployment = (objects: KubeObject[]) => findObject(objects, 'Deployment')! as Loose;
const container = (objects: KubeObject[]) => deployment(objects).spec.template.spec.containers[0];
const configMap = (objects: KubeObject[]) => findObject(objects, 'ConfigMap')! as Loose;

describe.each(OVERLAYS)('overlay %s', (overlay) => {
  it('breaks no policy', () => {
    expect(overlayPolicyProblems(overlay, rendered.get(overlay)!)).toEqual([]);
  });
});

it('prod renders no replicas field, the others render one', () => {
  expect(get(deployment(rendered.get('prod')!), 'spec', 'replicas')).toBeUndefined();
  expect(get(deployment(rendered.get('dev')!), 'spec', 'replicas')).toBe(1);
  expect(get(deployment(rendered.get('stage')!), 'spec', 'replicas')).toBe(2);
});

it('each overlay gives its pods their own resources and ingress host', () => {
  const hosts = OVERLAYS.map((o) => get(findObject(rendered.get(o)!, 'Ingress'), 'spec', 'rules', 0, 'host'));
  expect(new Set(hosts).size).toBe(OVERLAYS.length);
  expect(container(rendered.get('prod')!).resources).not.toEqual(container(rendered.get('dev')!).resources);
});

describe('each rule catches its own breakage', () => {
  it.each([
    [
      'root user',
      (o: KubeObject[]) => (deployment(o).spec.template.spec.securityContext.runAsUser = 0),
      /runAsUser must be 65532/,
    ],
    [
      'no seccomp',
      (o: KubeObject[]) => delete deployment(o).spec.template.spec.securityContext.seccompProfile,
      /seccompProfile/,
    ],
    [
      'privilege escalation',
      (o: KubeObject[]) => (container(o).securityContext.allowPrivilegeEscalation = true),
      /allowPrivilegeEscalation/,
    ],
    [
      'writable root',
      (o: KubeObject[]) => (container(o).securityContext.readOnlyRootFilesystem = false),
      /readOnlyRootFilesystem/,
    ],
    [
      'capabilities kept',
      (o: KubeObject[]) => (container(o).securityContext.capabilities = { drop: ['NET_RAW'] }),
      /drop must include ALL/,
    ],
    [
      'capability added',
      (o: KubeObject[]) => (container(o).securityContext.capabilities.add = ['NET_ADMIN']),
      /capabilities.add/,
    ],
    [
      'host network',
      (o: KubeObject[]) => (deployment(o).spec.template.spec.hostNetwork = true),
      /hostNetwork/,
    ],
  ])('restricted pod security: %s', (_name, edit, message) => {
    expect(restrictedPodSecurity(broken('dev', edit)).join('\n')).toMatch(message);
  });

  it.each([
    [
      'liveness on /ready',
      (o: KubeObject[]) => (container(o).livenessProbe.httpGet.path = '/ready'),
      /livenessProbe must be an httpGet of \/health/,
    ],
    ['no readiness', (o: KubeObject[]) => delete container(o).readinessProbe, /readinessProbe/],
    [
      'unknown port',
      (o: KubeObject[]) => (container(o).readinessProbe.httpGet.port = 'web'),
      /port 'web' is not a named container port/,
    ],
  ])('probes: %s', (_name, edit, message) => {
    expect(probesOnServiceEndpoints(broken('dev', edit)).join('\n')).toMatch(message);
  });

  it.each([
    [
      'no memory limit',
      (o: KubeObject[]) => delete container(o).resources.limits.memory,
      /limits.memory is missing/,
    ],
    [
      'request above limit',
      (o: KubeObject[]) => (container(o).resources.requests.cpu = '2'),
      /cpu request 2 is above its limit/,
    ],
  ])('resources: %s', (_name, edit, message) => {
    expect(resourcesBounded(broken('stage', edit)).join('\n')).toMatch(message);
  });

  it.each([
    ['latest', 'k8s-ship/service:latest', /latest is not pinned/],
    ['untagged', 'k8s-ship/service', /neither tag nor digest/],
  ])('images: %s', (_name, image, message) => {
    expect(imagesPinned(broken('dev', (o) => (container(o).image = image))).join('\n')).toMatch(message);
  });

  it('scaling: an HPA outside prod', () => {
    const prodHpa = findObject(rendered.get('prod')!, 'HorizontalPodAutoscaler')!;
    const problems = scalingMatchesEnvironment(
      'stage',
      broken('stage', (o) => o.push(prodHpa)),
    );
    expect(problems).toEqual(['stage: HorizontalPodAutoscaler belongs to prod only']);
  });

  it('scaling: replicas in prod, an HPA of the wrong size, no PDB', () => {
    const problems = scalingMatchesEnvironment(
      'prod',
      broken('prod', (o) => {
        deployment(o).spec.replicas = 3;
        (findObject(o, 'HorizontalPodAutoscaler') as Loose).spec.minReplicas = 1;
        o.splice(o.indexOf(findObject(o, 'PodDisruptionBudget')!), 1);
      }),
    );
    expect(problems).toEqual([
      'prod: the Deployment must leave replicas to the HPA (found a replicas field)',
      'prod: the HPA minReplicas must be 2',
      'prod: expected one PodDisruptionBudget, found 0',
    ]);
  });

  it('namespace: a Pod Security label missing and an object elsewhere', () => {
    const problems = namespaceRestricted(
      broken('dev', (o) => {
        delete findObject(o, 'Namespace')!.metadata.labels!['pod-security.kubernetes.io/warn'];
        findObject(o, 'Service')!.metadata.namespace = 'default';
      }),
    );
    expect(problems).toEqual([
      'Namespace dev: label pod-security.kubernetes.io/warn must be restricted',
      'Service default/metrics-api: must be in namespace dev',
    ]);
  });

  it('service account: token mounted', () => {
    const problems = noServiceAccountToken(
      broken('dev', (o) => (findObject(o, 'ServiceAccount')!.automountServiceAccountToken = true)),
    );
    expect(problems).toEqual(['ServiceAccount dev/metrics-api: automountServiceAccountToken must be false']);
  });

  it('graceful shutdown: a drain longer than the grace period', () => {
    const problems = gracefulShutdown(
      broken('prod', (o) => (configMap(o).data.SHUTDOWN_GRACE_SECONDS = '60')),
    );
    expect(problems.join()).toMatch(
      /terminationGracePeriodSeconds 30 is shorter than preStop 5 s \+ SHUTDOWN_GRACE_SECONDS 60 s/,
    );
  });

  it('environment: APP_ENVIRONMENT of another overlay', () => {
    const problems = environmentConfigured(
      'stage',
      broken('stage', (o) => (configMap(o).data.APP_ENVIRONMENT = 'prod')),
    );
    expect(problems).toEqual(["Deployment stage/metrics-api: APP_ENVIRONMENT is 'prod', expected 'stage'"]);
  });

  it('network: no default deny, an open ingress rule', () => {
    const problems = networkLockedDown(
      broken('dev', (o) => {
        o.splice(o.indexOf(findObject(o, 'NetworkPolicy', 'default-deny-all')!), 1);
        (findObject(o, 'NetworkPolicy', 'metrics-api-ingress') as Loose).spec.ingress[0].from = [];
      }),
    );
    expect(problems).toEqual([
      'no default-deny NetworkPolicy (empty podSelector, Ingress and Egress, no rules)',
      "NetworkPolicy dev/metrics-api-ingress: an ingress rule without 'from' admits every source",
    ]);
  });

  it('network: LATENCY_TARGETS outside the egress policies, while a target inside passes', () => {
    const targets = '10.0.3.7:22,10.1.0.1:22,10.0.3.7:6443,db.internal:5432';
    const problems = networkLockedDown(broken('dev', (o) => (configMap(o).data.LATENCY_TARGETS = targets)));
    expect(problems).toEqual(
      ['10.1.0.1:22', '10.0.3.7:6443', 'db.internal:5432'].map(
        (t) =>
          `Deployment dev/metrics-api: LATENCY_TARGETS entry '${t}' is not allowed by any egress NetworkPolicy`,
      ),
    );
  });
});
