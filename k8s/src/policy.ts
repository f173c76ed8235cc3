import { parseImageReference } from '../../actions/lib/src/docker/image-ref.js';
import { cidrContains } from './ipv4.js';
import { findObject, get, type KubeObject, objectId } from './manifests.js';
import type { Overlay } from './paths.js';
import { parseQuantity } from './quantity.js';

// Each check reads one rendered overlay and returns what breaks the rule, as sentences; empty means it
// holds. They are plain functions so that tests can feed them broken objects and watch them fail.

type Obj = Record<string, unknown>;
const list = (value: unknown): Obj[] => (Array.isArray(value) ? (value as Obj[]) : []);

export const SERVICE_UID = 65532;
export const PSA_VERSION = 'v1.32';

function workloads(objects: KubeObject[]): KubeObject[] {
  return objects.filter((o) => o.kind === 'Deployment');
}

function containersOf(workload: KubeObject): Obj[] {
  const spec = get(workload, 'spec', 'template', 'spec');
  return [...list(get(spec, 'initContainers')), ...list(get(spec, 'containers'))];
}

/** Pod Security `restricted`, and then some: fixed uid/gid, read-only root filesystem. */
export function restrictedPodSecurity(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  for (const workload of workloads(objects)) {
    const id = objectId(workload);
    const pod = get(workload, 'spec', 'template', 'spec') as Obj;
    const podSc = (pod.securityContext ?? {}) as Obj;
    if (podSc.runAsNonRoot !== true) problems.push(`${id}: pod securityContext.runAsNonRoot must be true`);
    if (podSc.runAsUser !== SERVICE_UID)
      problems.push(`${id}: pod securityContext.runAsUser must be ${SERVICE_UID}`);
    if (podSc.runAsGroup !== SERVICE_UID)
      problems.push(`${id}: pod securityContext.runAsGroup must be ${SERVICE_UID}`);
    if (get(podSc, 'seccompProfile', 'type') !== 'RuntimeDefault') {
      problems.push(`${id}: pod securityContext.seccompProfile.type must be RuntimeDefault`);
    }
    for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
      if (pod[field] === true) problems.push(`${id}: ${field} must not be set`);
    }
    if (list(pod.volumes).some((v) => v.hostPath !== undefined))
      problems.push(`${id}: hostPath volumes are not allowed`);
    for (const container of containersOf(workload)) {
      const where = `${id} container ${String(container.name)}`;
      const sc = (container.securityContext ?? {}) as Obj;
      if (sc.allowPrivilegeEscalation !== false)
        problems.push(`${where}: allowPrivilegeEscalation must be false`);
      if (sc.readOnlyRootFilesystem !== true) problems.push(`${where}: readOnlyRootFilesystem must be true`);
      if (sc.privileged === true) problems.push(`${where}: privileged must not be set`);
      if (!list(get(sc, 'capabilities', 'drop')).includes('ALL' as never))
        problems.push(`${where}: capabilities.drop must include ALL`);
      if (list(get(sc, 'capabilities', 'add')).length > 0)
        problems.push(`${where}: capabilities.add must be empty`);
      if (sc.runAsUser === 0) problems.push(`${where}: runAsUser must not be 0`);
      if (list(container.ports).some((p) => p.hostPort !== undefined))
        problems.push(`${where}: hostPort is not allowed`);
    }
  }
  return problems;
}

function httpProbe(container: Obj, probe: string): { path?: unknown; port?: unknown } | undefined {
  return get(container, probe, 'httpGet') as { path?: unknown; port?: unknown } | undefined;
}

/** Liveness on /health, readiness on /ready, both on the container's named `http` port. */
export function probesOnServiceEndpoints(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  for (const workload of workloads(objects)) {
    for (const container of list(get(workload, 'spec', 'template', 'spec', 'containers'))) {
      const where = `${objectId(workload)} container ${String(container.name)}`;
      const portNames = list(container.ports).map((p) => p.name);
      for (const [probe, path] of [
        ['livenessProbe', '/health'],
        ['readinessProbe', '/ready'],
      ] as const) {
        const action = httpProbe(container, probe);
        if (action?.path !== path) problems.push(`${where}: ${probe} must be an httpGet of ${path}`);
        else if (!portNames.includes(action.port))
          problems.push(`${where}: ${probe} port '${String(action.port)}' is not a named container port`);
      }
    }
  }
  return problems;
}

/** CPU and memory requests and limits on every container, requests not above limits. */
export function resourcesBounded(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  for (const workload of workloads(objects)) {
    for (const container of containersOf(workload)) {
      const where = `${objectId(workload)} container ${String(container.name)}`;
      for (const resource of ['cpu', 'memory']) {
        const request = get(container, 'resources', 'requests', resource) as string | undefined;
        const limit = get(container, 'resources', 'limits', resource) as string | undefined;
        if (request === undefined) problems.push(`${where}: resources.requests.${resource} is missing`);
        if (limit === undefined) problems.push(`${where}: resources.limits.${resource} is missing`);
        if (request !== undefined && limit !== undefined && parseQuantity(request) > parseQuantity(limit)) {
          problems.push(`${where}: ${resource} request ${request} is above its limit ${limit}`);
        }
      }
    }
  }
  return problems;
}

/** Every image pinned by tag or digest, and never `latest`. */
export function imagesPinned(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  for (const workload of workloads(objects)) {
    for (const container of containersOf(workload)) {
      try {
        parseImageReference(
          String(container.image),
          `${objectId(workload)} container ${String(container.name)} image`,
        );
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
  }
  return problems;
}

/** prod: an HPA (autoscaling/v2, 2-10, CPU and memory) and a PDB own the scaling; elsewhere neither. */
export function scalingMatchesEnvironment(overlay: Overlay, objects: KubeObject[]): string[] {
  const problems: string[] = [];
  const hpas = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
  const pdbs = objects.filter((o) => o.kind === 'PodDisruptionBudget');
  const deployment = findObject(objects, 'Deployment');
  if (!deployment) return ['no Deployment rendered'];
  const replicas = get(deployment, 'spec', 'replicas');
  if (overlay !== 'prod') {
    if (hpas.length > 0) problems.push(`${overlay}: HorizontalPodAutoscaler belongs to prod only`);
    if (pdbs.length > 0) problems.push(`${overlay}: PodDisruptionBudget belongs to prod only`);
    if (typeof replicas !== 'number')
      problems.push(`${overlay}: the Deployment needs an explicit replicas count`);
    return problems;
  }
  if (replicas !== undefined)
    problems.push('prod: the Deployment must leave replicas to the HPA (found a replicas field)');
  const [hpa] = hpas;
  if (hpas.length !== 1 || !hpa)
    return [...problems, `prod: expected one HorizontalPodAutoscaler, found ${hpas.length}`];
  if (hpa.apiVersion !== 'autoscaling/v2')
    problems.push(`prod: the HPA must be autoscaling/v2, not ${hpa.apiVersion}`);
  if (get(hpa, 'spec', 'minReplicas') !== 2) problems.push('prod: the HPA minReplicas must be 2');
  if (get(hpa, 'spec', 'maxReplicas') !== 10) problems.push('prod: the HPA maxReplicas must be 10');
  const target = get(hpa, 'spec', 'scaleTargetRef') as Obj | undefined;
  if (target?.kind !== 'Deployment' || target?.name !== deployment.metadata.name) {
    problems.push(`prod: the HPA must target Deployment ${deployment.metadata.name}`);
  }
  const resources = list(get(hpa, 'spec', 'metrics')).map((m) => get(m, 'resource', 'name'));
  for (const resource of ['cpu', 'memory']) {
    if (!resources.includes(resource)) problems.push(`prod: the HPA must scale on ${resource}`);
  }
  const podLabels = (get(deployment, 'spec', 'template', 'metadata', 'labels') ?? {}) as Record<
    string,
    string
  >;
  const [pdb] = pdbs;
  if (pdbs.length !== 1 || !pdb)
    return [...problems, `prod: expected one PodDisruptionBudget, found ${pdbs.length}`];
  const selector = (get(pdb, 'spec', 'selector', 'matchLabels') ?? {}) as Record<string, string>;
  if (Object.keys(selector).length === 0 || Object.entries(selector).some(([k, v]) => podLabels[k] !== v)) {
    problems.push("prod: the PodDisruptionBudget's selector must match the Deployment's pods");
  }
  return problems;
}

const PSA_MODES = ['enforce', 'audit', 'warn'];

/** One Namespace, labelled for Pod Security `restricted`, holding every namespaced object. */
export function namespaceRestricted(objects: KubeObject[]): string[] {
  const namespaces = objects.filter((o) => o.kind === 'Namespace');
  const [namespace] = namespaces;
  if (namespaces.length !== 1 || !namespace)
    return [`expected one Namespace object, found ${namespaces.length}`];
  const problems: string[] = [];
  const labels = namespace.metadata.labels ?? {};
  for (const mode of PSA_MODES) {
    if (labels[`pod-security.kubernetes.io/${mode}`] !== 'restricted') {
      problems.push(
        `Namespace ${namespace.metadata.name}: label pod-security.kubernetes.io/${mode} must be restricted`,
      );
    }
    if (labels[`pod-security.kubernetes.io/${mode}-version`] !== PSA_VERSION) {
      problems.push(
        `Namespace ${namespace.metadata.name}: label pod-security.kubernetes.io/${mode}-version must be ${PSA_VERSION}`,
      );
    }
  }
  for (const object of objects) {
    if (object.kind !== 'Namespace' && object.metadata.namespace !== namespace.metadata.name) {
      problems.push(`${objectId(object)}: must be in namespace ${namespace.metadata.name}`);
    }
  }
  return problems;
}

/** No API token in the pods: the service never talks to the Kubernetes API. */
export function noServiceAccountToken(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  for (const workload of workloads(objects)) {
    const pod = get(workload, 'spec', 'template', 'spec') as Obj;
    const account = findObject(objects, 'ServiceAccount', String(pod.serviceAccountName));
    if (!account)
      problems.push(`${objectId(workload)}: serviceAccountName must name a ServiceAccount of this overlay`);
    else if (account.automountServiceAccountToken !== false) {
      problems.push(`${objectId(account)}: automountServiceAccountToken must be false`);
    }
    if (pod.automountServiceAccountToken !== false)
      problems.push(`${objectId(workload)}: automountServiceAccountToken must be false`);
  }
  return problems;
}

/** The settings a container gets from the ConfigMaps it names in envFrom. */
export function configEnv(objects: KubeObject[], container: Obj): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of list(container.envFrom)) {
    const name = get(source, 'configMapRef', 'name');
    const map = findObject(objects, 'ConfigMap', String(name));
    Object.assign(env, (map?.data ?? {}) as Record<string, string>);
  }
  for (const variable of list(container.env)) env[String(variable.name)] = String(variable.value);
  return env;
}

/**
 * The kubelet must not kill a pod mid-drain: the grace period covers the preStop sleep plus the
 * service's own SHUTDOWN_GRACE_SECONDS, with at least `marginSeconds` to spare.
 */
export function gracefulShutdown(objects: KubeObject[], marginSeconds = 3): string[] {
  const problems: string[] = [];
  for (const workload of workloads(objects)) {
    const pod = get(workload, 'spec', 'template', 'spec') as Obj;
    const grace =
      typeof pod.terminationGracePeriodSeconds === 'number' ? pod.terminationGracePeriodSeconds : 30;
    for (const container of list(pod.containers)) {
      const where = `${objectId(workload)} container ${String(container.name)}`;
      const drain = Number(configEnv(objects, container).SHUTDOWN_GRACE_SECONDS ?? 20);
      const preStop = get(container, 'lifecycle', 'preStop', 'sleep', 'seconds');
      if (typeof preStop !== 'number') {
        problems.push(
          `${where}: lifecycle.preStop.sleep.seconds must be set (endpoints drop the pod meanwhile)`,
        );
        continue;
      }
      if (grace < preStop + drain + marginSeconds) {
        problems.push(
          `${where}: terminationGracePeriodSeconds ${grace} is shorter than preStop ${preStop} s + SHUTDOWN_GRACE_SECONDS ${drain} s + ${marginSeconds} s margin`,
        );
      }
    }
  }
  return problems;
}

/** APP_ENVIRONMENT tells the service which environment it runs in; it must match the overlay. */
export function environmentConfigured(overlay: Overlay, objects: KubeObject[]): string[] {
  const problems: string[] = [];
  for (const workload of workloads(objects)) {
    for (const container of list(get(workload, 'spec', 'template', 'spec', 'containers'))) {
      const env = configEnv(objects, container);
      if (env.APP_ENVIRONMENT !== overlay) {
        problems.push(
          `${objectId(workload)}: APP_ENVIRONMENT is '${env.APP_ENVIRONMENT}', expected '${overlay}'`,
        );
      }
      const port = list(container.ports).find((p) => p.name === 'http');
      if (!port || env.PORT !== String(port.containerPort)) {
        problems.push(
          `${objectId(workload)}: PORT '${env.PORT}' must equal the http containerPort ${String(port?.containerPort)}`,
        );
      }
    }
  }
  return problems;
}

function selectsPods(policy: KubeObject, podLabels: Record<string, string>): boolean {
  const selector = (get(policy, 'spec', 'podSelector', 'matchLabels') ?? {}) as Record<string, string>;
  return Object.entries(selector).every(([k, v]) => podLabels[k] === v);
}

/**
 * Default deny in both directions; ingress only from named peers (never an open `from` or an ipBlock);
 * and every LATENCY_TARGETS entry reachable through an egress ipBlock and port (NetworkPolicy matches
 * addresses, not names, so a target must be an IPv4 address).
 */
export function networkLockedDown(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const denyAll = policies.find(
    (p) =>
      Object.keys((get(p, 'spec', 'podSelector') ?? {}) as Obj).length === 0 &&
      ['Ingress', 'Egress'].every((t) => list(get(p, 'spec', 'policyTypes')).includes(t as never)) &&
      get(p, 'spec', 'ingress') === undefined &&
      get(p, 'spec', 'egress') === undefined,
  );
  if (!denyAll)
    problems.push('no default-deny NetworkPolicy (empty podSelector, Ingress and Egress, no rules)');
  for (const policy of policies) {
    for (const rule of list(get(policy, 'spec', 'ingress'))) {
      const peers = list(rule.from);
      if (peers.length === 0)
        problems.push(`${objectId(policy)}: an ingress rule without 'from' admits every source`);
      if (peers.some((p) => p.ipBlock !== undefined))
        problems.push(`${objectId(policy)}: ingress by ipBlock is not allowed`);
      if (list(rule.ports).length === 0)
        problems.push(`${objectId(policy)}: an ingress rule without ports opens every port`);
    }
    for (const rule of list(get(policy, 'spec', 'egress'))) {
      if (list(rule.to).length === 0)
        problems.push(`${objectId(policy)}: an egress rule without 'to' reaches everywhere`);
    }
  }
  for (const workload of workloads(objects)) {
    const podLabels = (get(workload, 'spec', 'template', 'metadata', 'labels') ?? {}) as Record<
      string,
      string
    >;
    const egress = policies
      .filter((p) => selectsPods(p, podLabels))
      .flatMap((p) => list(get(p, 'spec', 'egress')));
    for (const container of list(get(workload, 'spec', 'template', 'spec', 'containers'))) {
      const targets = (configEnv(objects, container).LATENCY_TARGETS ?? '')
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean);
      for (const target of targets) {
        const [host = '', port = ''] = target.split(/:(?=\d+$)/);
        const allowed = egress.some(
          (rule) =>
            list(rule.to).some(
              (peer) =>
                typeof get(peer, 'ipBlock', 'cidr') === 'string' &&
                cidrContains(String(get(peer, 'ipBlock', 'cidr')), host),
            ) && list(rule.ports).some((p) => String(p.port) === port && (p.protocol ?? 'TCP') === 'TCP'),
        );
        if (!allowed)
          problems.push(
            `${objectId(workload)}: LATENCY_TARGETS entry '${target}' is not allowed by any egress NetworkPolicy`,
          );
      }
    }
  }
  return problems;
}

/** Every rule, for one rendered overlay. */
export function overlayPolicyProblems(overlay: Overlay, objects: KubeObject[]): string[] {
  return [
    ...restrictedPodSecurity(objects),
    ...probesOnServiceEndpoints(objects),
    ...resourcesBounded(objects),
    ...imagesPinned(objects),
    ...scalingMatchesEnvironment(overlay, objects),
    ...namespaceRestricted(objects),
    ...noServiceAccountToken(objects),
    ...gracefulShutdown(objects),
    ...environmentConfigured(overlay, objects),
    ...networkLockedDown(objects),
  ];
}
