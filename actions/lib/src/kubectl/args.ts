/*
 * kubectl's argv for what the deploy target does (../target/kubectl-target.ts). Each builder checks the
 * names it puts on the command line; none builds a shell string.
 */
import { assertKubeName } from './names.js';
import type { KubeEvent, LabelSelector } from './resources.js';

const label = (what: string, value: string) => assertKubeName(what, value, 'label');
const subdomain = (what: string, value: string) => assertKubeName(what, value, 'subdomain');

/** `kubectl get deployment NAME` (add `-o json`). */
export function deploymentArgs(namespace: string, name: string): string[] {
  label('namespace', namespace);
  subdomain('deployment name', name);
  return ['get', 'deployment', name, '--namespace', namespace];
}

/** `kubectl set image deployment/NAME c1=img1 c2=img2`: one change, one new revision. */
export function setImageArgs(
  namespace: string,
  deployment: string,
  images: Readonly<Record<string, string>>,
): string[] {
  label('namespace', namespace);
  subdomain('deployment name', deployment);
  const pairs = Object.entries(images);
  if (pairs.length === 0) throw new Error('setImage: no container given');
  for (const [container, image] of pairs) {
    label('container name', container);
    // The image is one argv word; these would still make kubectl misread it.
    if (!image || /\s|^-|=/.test(image)) throw new Error(`setImage: invalid image ${JSON.stringify(image)}`);
  }
  return [
    'set',
    'image',
    `deployment/${deployment}`,
    ...pairs.map(([container, image]) => `${container}=${image}`),
    '--namespace',
    namespace,
  ];
}

/** `kubectl annotate KIND/NAME k=v --overwrite`; undefined when there is nothing to set. */
export function annotateArgs(
  namespace: string,
  kind: string,
  name: string,
  annotations: Readonly<Record<string, string>>,
): string[] | undefined {
  label('namespace', namespace);
  subdomain('object name', name);
  if (!/^[a-z][a-z0-9.]*$/.test(kind)) throw new Error(`annotate: invalid kind ${JSON.stringify(kind)}`);
  const pairs = Object.entries(annotations);
  for (const [key] of pairs) {
    if (!/^([a-z0-9.-]+\/)?[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?$/.test(key)) {
      throw new Error(`annotate: invalid annotation key ${JSON.stringify(key)}`);
    }
  }
  if (pairs.length === 0) return undefined;
  return [
    'annotate',
    `${kind}/${name}`,
    ...pairs.map(([key, value]) => `${key}=${value}`),
    '--overwrite',
    '--namespace',
    namespace,
  ];
}

/** `kubectl get KINDS --selector …` in one namespace (add `-o json`). */
export function selectedArgs(namespace: string, kinds: string, selector: LabelSelector): string[] {
  label('namespace', namespace);
  return ['get', kinds, '--namespace', namespace, '--selector', selectorString(selector)];
}

/** `kubectl get namespace NAME` (add `-o json`). */
export function namespaceArgs(name: string): string[] {
  label('namespace', name);
  return ['get', 'namespace', name];
}

/** `kubectl get namespaces --selector …` (add `-o json`); the selector in kubectl's string form. */
export function namespacesArgs(selector: LabelSelector): string[] {
  return ['get', 'namespaces', '--selector', selectorString(selector)];
}

/**
 * `kubectl delete namespace NAME`, returning once the namespace is gone (its objects and finalizers
 * included) or `timeoutSeconds` passed; a namespace already gone is not an error.
 */
export function deleteNamespaceArgs(name: string, timeoutSeconds: number): string[] {
  label('namespace', name);
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1)
    throw new Error(`deleteNamespaceArgs: invalid timeout ${timeoutSeconds}`);
  return ['delete', 'namespace', name, '--ignore-not-found', '--wait=true', `--timeout=${timeoutSeconds}s`];
}

/** `kubectl patch KIND NAME --type=json --patch=…` for the kinds a deploy changes. */
export function jsonPatchArgs(
  namespace: string,
  kind: 'deployment' | 'service',
  name: string,
  patch: unknown,
): string[] {
  label('namespace', namespace);
  subdomain(`${kind} name`, name);
  return ['patch', kind, name, '--namespace', namespace, '--type=json', `--patch=${JSON.stringify(patch)}`];
}

/** `kubectl get service NAME` (add `-o json`). */
export function serviceArgs(namespace: string, name: string): string[] {
  label('namespace', namespace);
  label('service name', name);
  return ['get', 'service', name, '--namespace', namespace];
}

/** `kubectl get replicasets,pods --selector …`: a rollout's parts in one read (add `-o json`). */
export function rolloutPartsArgs(namespace: string, selector: string): string[] {
  label('namespace', namespace);
  return ['get', 'replicasets,pods', '--namespace', namespace, '--selector', selector];
}

/**
 * `kubectl delete deployment NAME`, returning once its pods are gone (they drain as in any scale-down)
 * or `timeoutSeconds` passed; one already gone is not an error.
 */
export function deleteDeploymentArgs(namespace: string, name: string, timeoutSeconds: number): string[] {
  label('namespace', namespace);
  subdomain('deployment name', name);
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1)
    throw new Error(`deleteDeploymentArgs: invalid timeout ${timeoutSeconds}`);
  return [
    'delete',
    'deployment',
    name,
    '--namespace',
    namespace,
    '--ignore-not-found',
    '--cascade=foreground',
    '--wait=true',
    `--timeout=${timeoutSeconds}s`,
  ];
}

/** A label selector in kubectl's string form (`app=x,tier in (a,b)`). */
export function selectorString(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const expression of selector.matchExpressions ?? []) {
    const values = (expression.values ?? []).join(',');
    switch (expression.operator) {
      case 'In':
        parts.push(`${expression.key} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${expression.key} notin (${values})`);
        break;
      case 'Exists':
        parts.push(expression.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${expression.key}`);
        break;
      default:
        throw new Error(`selectorString: unknown operator ${JSON.stringify(expression.operator)}`);
    }
  }
  if (parts.length === 0) throw new Error('selectorString: an empty selector would match every pod');
  return parts.join(',');
}

/** argv of `kubectl get events` about one object (add `-o json`). */
export function eventsArgs(namespace: string, kind: string, name: string): string[] {
  label('namespace', namespace);
  subdomain('object name', name);
  if (!/^[A-Z][A-Za-z]*$/.test(kind)) throw new Error(`eventsArgs: invalid kind ${JSON.stringify(kind)}`);
  return [
    'get',
    'events',
    '--namespace',
    namespace,
    '--field-selector',
    `involvedObject.kind=${kind},involvedObject.name=${name}`,
  ];
}

/** Events oldest first, by the newest time each one carries. */
export function inTimeOrder(events: readonly KubeEvent[]): KubeEvent[] {
  const time = (event: KubeEvent) => event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? '';
  return [...events].sort((a, b) => time(a).localeCompare(time(b)));
}

export interface LogOptions {
  tailLines?: number;
  /** The previous instance of a restarted container: where a crash's last words are. */
  previous?: boolean;
}

/** argv of `kubectl logs` for one container's last lines. */
export function containerLogsArgs(
  namespace: string,
  pod: string,
  container: string,
  options: LogOptions = {},
): string[] {
  label('namespace', namespace);
  subdomain('pod name', pod);
  label('container name', container);
  const tail = options.tailLines ?? 50;
  if (!Number.isInteger(tail) || tail < 1) throw new Error(`containerLogsArgs: invalid tailLines ${tail}`);
  return [
    'logs',
    pod,
    '--namespace',
    namespace,
    '--container',
    container,
    `--tail=${tail}`,
    ...(options.previous ? ['--previous'] : []),
  ];
}
