import type { KubeObject } from './types.js';

/**
 * The defaults a real API server fills in, for the kinds whose shape the sandbox's output is compared with
 * (../shared/fixtures/kubernetes). Defaulting runs on every write, so it must be idempotent.
 */
// biome-ignore lint/suspicious/noExplicitAny: defaulting walks open-ended JSON
type Any = any;

function setDefault(target: Any, key: string, value: unknown): void {
  if (target[key] === undefined) target[key] = value;
}

function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0]!;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > lastSlash ? withoutDigest.slice(colon + 1) : undefined;
}

function defaultProbe(probe: Any): void {
  if (!probe) return;
  setDefault(probe, 'timeoutSeconds', 1);
  setDefault(probe, 'periodSeconds', 10);
  setDefault(probe, 'successThreshold', 1);
  setDefault(probe, 'failureThreshold', 3);
  if (probe.httpGet) setDefault(probe.httpGet, 'scheme', 'HTTP');
}

function defaultContainer(container: Any): void {
  const image = String(container.image ?? '');
  const tag = imageTag(image);
  const digest = image.includes('@');
  setDefault(
    container,
    'imagePullPolicy',
    !digest && (tag === undefined || tag === 'latest') ? 'Always' : 'IfNotPresent',
  );
  setDefault(container, 'resources', {});
  setDefault(container, 'terminationMessagePath', '/dev/termination-log');
  setDefault(container, 'terminationMessagePolicy', 'File');
  for (const port of container.ports ?? []) setDefault(port, 'protocol', 'TCP');
  defaultProbe(container.readinessProbe);
  defaultProbe(container.livenessProbe);
  defaultProbe(container.startupProbe);
}

export function defaultPodSpec(spec: Any): void {
  if (!spec) return;
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) defaultContainer(c);
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'enableServiceLinks', true);
}

function defaultTemplate(template: Any): void {
  if (!template) return;
  setDefault(template, 'metadata', {});
  setDefault(template.metadata, 'creationTimestamp', null);
  defaultPodSpec(template.spec);
}

const defaulters: Record<string, (o: Any) => void> = {
  Pod(pod) {
    defaultPodSpec(pod.spec);
    if (pod.spec) {
      setDefault(pod.spec, 'serviceAccountName', 'default');
      setDefault(pod.spec, 'serviceAccount', pod.spec.serviceAccountName);
      setDefault(pod.spec, 'preemptionPolicy', 'PreemptLowerPriority');
      setDefault(pod.spec, 'priority', 0);
    }
  },
  Deployment(d) {
    setDefault(d, 'spec', {});
    setDefault(d.spec, 'replicas', 1);
    setDefault(d.spec, 'strategy', { type: 'RollingUpdate' });
    if (d.spec.strategy.type === undefined) d.spec.strategy.type = 'RollingUpdate';
    if (d.spec.strategy.type === 'RollingUpdate') {
      setDefault(d.spec.strategy, 'rollingUpdate', {});
      setDefault(d.spec.strategy.rollingUpdate, 'maxSurge', '25%');
      setDefault(d.spec.strategy.rollingUpdate, 'maxUnavailable', '25%');
    }
    setDefault(d.spec, 'revisionHistoryLimit', 10);
    setDefault(d.spec, 'progressDeadlineSeconds', 600);
    defaultTemplate(d.spec.template);
  },
  ReplicaSet(rs) {
    setDefault(rs, 'spec', {});
    setDefault(rs.spec, 'replicas', 1);
    defaultTemplate(rs.spec.template);
  },
  Service(svc) {
    setDefault(svc, 'spec', {});
    const spec = svc.spec;
    setDefault(spec, 'type', 'ClusterIP');
    setDefault(spec, 'sessionAffinity', 'None');
    // The sandbox has no cluster network: the service answers on loopback (see proxy/service-proxy.ts).
    if (spec.type !== 'ExternalName') {
      setDefault(spec, 'clusterIP', '127.0.0.1');
      setDefault(spec, 'clusterIPs', [spec.clusterIP]);
      setDefault(spec, 'ipFamilies', ['IPv4']);
      setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
      setDefault(spec, 'internalTrafficPolicy', 'Cluster');
    }
    for (const port of spec.ports ?? []) {
      setDefault(port, 'protocol', 'TCP');
      setDefault(port, 'targetPort', port.port);
    }
    setDefault(svc, 'status', { loadBalancer: {} });
  },
  HorizontalPodAutoscaler(hpa) {
    setDefault(hpa, 'spec', {});
    setDefault(hpa.spec, 'minReplicas', 1);
    // autoscaling/v2 defaults an HPA without metrics to 80% average CPU utilization.
    if (!hpa.spec.metrics?.length) {
      hpa.spec.metrics = [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
        },
      ];
    }
  },
  Namespace(ns) {
    setDefault(ns, 'spec', { finalizers: ['kubernetes'] });
    setDefault(ns, 'status', { phase: 'Active' });
    ns.metadata.labels = { ...ns.metadata.labels, 'kubernetes.io/metadata.name': ns.metadata.name };
  },
  Secret(secret) {
    setDefault(secret, 'type', 'Opaque');
    // stringData is write-only: it lands base64-encoded in data.
    if (secret.stringData) {
      secret.data = { ...secret.data };
      for (const [k, v] of Object.entries(secret.stringData)) {
        secret.data[k] = Buffer.from(String(v)).toString('base64');
      }
      delete secret.stringData;
    }
  },
};

export function applyDefaults(object: KubeObject): void {
  defaulters[object.kind ?? '']?.(object);
}
