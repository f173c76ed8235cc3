/** The catalogue of resources the sandbox serves: what discovery lists and what the REST layer accepts. */
export interface ResourceType {
  group: string;
  version: string;
  /** Plural name used in URLs. */
  name: string;
  singularName: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Writes to the main endpoint keep the stored status; `/status` writes change only the status. */
  hasStatus: boolean;
  /** Serves the autoscaling/v1 Scale subresource. */
  hasScale?: boolean;
}

const all = ['all'];

const catalogue: ResourceType[] = [
  {
    group: '',
    version: 'v1',
    name: 'namespaces',
    singularName: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    hasStatus: true,
  },
  {
    group: '',
    version: 'v1',
    name: 'pods',
    singularName: 'pod',
    kind: 'Pod',
    namespaced: true,
    shortNames: ['po'],
    categories: all,
    hasStatus: true,
  },
  {
    group: '',
    version: 'v1',
    name: 'services',
    singularName: 'service',
    kind: 'Service',
    namespaced: true,
    shortNames: ['svc'],
    categories: all,
    hasStatus: true,
  },
  {
    group: '',
    version: 'v1',
    name: 'endpoints',
    singularName: 'endpoints',
    kind: 'Endpoints',
    namespaced: true,
    shortNames: ['ep'],
    hasStatus: false,
  },
  {
    group: '',
    version: 'v1',
    name: 'configmaps',
    singularName: 'configmap',
    kind: 'ConfigMap',
    namespaced: true,
    shortNames: ['cm'],
    hasStatus: false,
  },
  {
    group: '',
    version: 'v1',
    name: 'secrets',
    singularName: 'secret',
    kind: 'Secret',
    namespaced: true,
    hasStatus: false,
  },
  {
    group: '',
    version: 'v1',
    name: 'serviceaccounts',
    singularName: 'serviceaccount',
    kind: 'ServiceAccount',
    namespaced: true,
    shortNames: ['sa'],
    hasStatus: false,
  },
  {
    group: '',
    version: 'v1',
    name: 'events',
    singularName: 'event',
    kind: 'Event',
    namespaced: true,
    shortNames: ['ev'],
    hasStatus: false,
  },
  {
    group: '',
    version: 'v1',
    name: 'resourcequotas',
    singularName: 'resourcequota',
    kind: 'ResourceQuota',
    namespaced: true,
    shortNames: ['quota'],
    hasStatus: true,
  },
  {
    group: '',
    version: 'v1',
    name: 'limitranges',
    singularName: 'limitrange',
    kind: 'LimitRange',
    namespaced: true,
    shortNames: ['limits'],
    hasStatus: false,
  },
  {
    group: 'apps',
    version: 'v1',
    name: 'deployments',
    singularName: 'deployment',
    kind: 'Deployment',
    namespaced: true,
    shortNames: ['deploy'],
    categories: all,
    hasStatus: true,
    hasScale: true,
  },
  {
    group: 'apps',
    version: 'v1',
    name: 'replicasets',
    singularName: 'replicaset',
    kind: 'ReplicaSet',
    namespaced: true,
    shortNames: ['rs'],
    categories: all,
    hasStatus: true,
    hasScale: true,
  },
  {
    group: 'autoscaling',
    version: 'v2',
    name: 'horizontalpodautoscalers',
    singularName: 'horizontalpodautoscaler',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
    shortNames: ['hpa'],
    categories: all,
    hasStatus: true,
  },
  {
    group: 'policy',
    version: 'v1',
    name: 'poddisruptionbudgets',
    singularName: 'poddisruptionbudget',
    kind: 'PodDisruptionBudget',
    namespaced: true,
    shortNames: ['pdb'],
    hasStatus: true,
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    name: 'networkpolicies',
    singularName: 'networkpolicy',
    kind: 'NetworkPolicy',
    namespaced: true,
    shortNames: ['netpol'],
    hasStatus: false,
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    name: 'ingresses',
    singularName: 'ingress',
    kind: 'Ingress',
    namespaced: true,
    shortNames: ['ing'],
    hasStatus: true,
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    name: 'roles',
    singularName: 'role',
    kind: 'Role',
    namespaced: true,
    hasStatus: false,
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    name: 'rolebindings',
    singularName: 'rolebinding',
    kind: 'RoleBinding',
    namespaced: true,
    hasStatus: false,
  },
  // Custom resources of the Prometheus operator, stored as given (no CRD objects: the group is built in here).
  {
    group: 'monitoring.coreos.com',
    version: 'v1',
    name: 'servicemonitors',
    singularName: 'servicemonitor',
    kind: 'ServiceMonitor',
    namespaced: true,
    shortNames: ['smon'],
    hasStatus: false,
  },
  {
    group: 'monitoring.coreos.com',
    version: 'v1',
    name: 'podmonitors',
    singularName: 'podmonitor',
    kind: 'PodMonitor',
    namespaced: true,
    shortNames: ['pmon'],
    hasStatus: false,
  },
  {
    group: 'monitoring.coreos.com',
    version: 'v1',
    name: 'prometheusrules',
    singularName: 'prometheusrule',
    kind: 'PrometheusRule',
    namespaced: true,
    shortNames: ['promrule'],
    hasStatus: false,
  },
];

export function allResources(): readonly ResourceType[] {
  return catalogue;
}

export function groupVersionOf(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

/** The key a resource is stored under, e.g. `apps/deployments` or `/pods` for the core group. */
export function resourceKey(type: ResourceType): string {
  return `${type.group}/${type.name}`;
}

export function findResource(group: string, version: string, name: string): ResourceType | undefined {
  return catalogue.find((r) => r.group === group && r.version === version && r.name === name);
}

export function resourceByKey(key: string): ResourceType {
  const found = catalogue.find((r) => resourceKey(r) === key);
  if (!found) throw new Error(`unknown resource key ${key}`);
  return found;
}

export function resourceForKind(apiVersion: string, kind: string): ResourceType | undefined {
  return catalogue.find((r) => groupVersionOf(r) === apiVersion && r.kind === kind);
}

/** `deployments.apps`, `pods`: how the real API server names a resource in its messages. */
export function qualifiedName(type: ResourceType): string {
  return type.group === '' ? type.name : `${type.name}.${type.group}`;
}

export function groupVersions(): { group: string; versions: string[] }[] {
  const groups = new Map<string, Set<string>>();
  for (const r of catalogue) {
    if (r.group === '') continue;
    const versions = groups.get(r.group) ?? new Set<string>();
    versions.add(r.version);
    groups.set(r.group, versions);
  }
  return [...groups].map(([group, versions]) => ({ group, versions: [...versions] }));
}
