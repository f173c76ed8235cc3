import { allResources, groupVersionOf, groupVersions, type ResourceType } from './resources.js';

/**
 * Legacy discovery documents. kubectl 1.32 first asks for aggregated discovery (apidiscovery.k8s.io/v2);
 * a plain `application/json` answer makes it fall back to these per-group documents, which is enough.
 */
const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export function versionInfo(): Record<string, string> {
  return {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.0-k8s-ship-sandbox',
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.23',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export function coreVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export function groupList(): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groupVersions().map(({ group, versions }) => groupDocument(group, versions)),
  };
}

function groupDocument(group: string, versions: string[]): Record<string, unknown> {
  const list = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions: list, preferredVersion: list[0] };
}

export function group(name: string): Record<string, unknown> | undefined {
  const found = groupVersions().find((g) => g.group === name);
  return found
    ? { kind: 'APIGroup', apiVersion: 'v1', ...groupDocument(found.group, found.versions) }
    : undefined;
}

function resourceEntries(type: ResourceType): Record<string, unknown>[] {
  const main = {
    name: type.name,
    singularName: type.singularName,
    namespaced: type.namespaced,
    kind: type.kind,
    verbs,
    ...(type.shortNames ? { shortNames: type.shortNames } : {}),
    ...(type.categories ? { categories: type.categories } : {}),
  };
  const entries: Record<string, unknown>[] = [main];
  if (type.hasStatus) {
    entries.push({
      name: `${type.name}/status`,
      singularName: '',
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: ['get', 'patch', 'update'],
    });
  }
  if (type.hasScale) {
    entries.push({
      name: `${type.name}/scale`,
      singularName: '',
      namespaced: type.namespaced,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: ['get', 'patch', 'update'],
    });
  }
  if (type.kind === 'Pod') {
    entries.push({ name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] });
  }
  return entries;
}

export function resourceList(group: string, version: string): Record<string, unknown> | undefined {
  const types = allResources().filter((r) => r.group === group && r.version === version);
  if (types.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersionOf(types[0]!),
    resources: types.flatMap(resourceEntries),
  };
}
