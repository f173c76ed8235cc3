/*
 * Typed kubectl operations the deploy actions share. Each checks the names it puts on the command line
 * and builds argv; none builds a shell string. Reads are marked read-only so that they survive a dropped
 * SSH connection; writes are not, and are never re-run blindly.
 */
import type { Kubectl } from './kubectl.js';
import { KubectlError } from './kubectl.js';
import { assertKubeName } from './names.js';
import {
  CHANGE_CAUSE_ANNOTATION,
  type Deployment,
  type KubeEvent,
  type LabelSelector,
  type List,
  ownedReplicaSets,
  type ReplicaSet,
  revisionOf,
} from './resources.js';

const label = (what: string, value: string) => assertKubeName(what, value, 'label');
const subdomain = (what: string, value: string) => assertKubeName(what, value, 'subdomain');

/** The Deployment, or undefined when it (or its namespace) does not exist. */
export async function getDeployment(
  kubectl: Kubectl,
  namespace: string,
  name: string,
): Promise<Deployment | undefined> {
  label('namespace', namespace);
  subdomain('deployment name', name);
  return orUndefinedWhenNotFound(
    kubectl.json<Deployment>(['get', 'deployment', name, '--namespace', namespace], { readOnly: true }),
  );
}

/** The revision number the Deployment controller gave the current template (0 before the first). */
export function deploymentRevision(deployment: Deployment): number {
  return revisionOf(deployment) ?? 0;
}

/** Container name → image of the Deployment's pod template. */
export function deploymentImages(deployment: Deployment): Record<string, string> {
  return Object.fromEntries(deployment.spec.template.spec.containers.map((c) => [c.name, c.image]));
}

/** `kubectl set image deployment/NAME c1=img1 c2=img2`: one change, one new revision. */
export async function setImage(
  kubectl: Kubectl,
  namespace: string,
  deployment: string,
  images: Readonly<Record<string, string>>,
): Promise<void> {
  label('namespace', namespace);
  subdomain('deployment name', deployment);
  const pairs = Object.entries(images);
  if (pairs.length === 0) throw new Error('setImage: no container given');
  for (const [container, image] of pairs) {
    label('container name', container);
    // The image is one argv word; these would still make kubectl misread it.
    if (!image || /\s|^-|=/.test(image)) throw new Error(`setImage: invalid image ${JSON.stringify(image)}`);
  }
  await kubectl.run([
    'set',
    'image',
    `deployment/${deployment}`,
    ...pairs.map(([container, image]) => `${container}=${image}`),
    '--namespace',
    namespace,
  ]);
}

/** Sets annotations on one object, replacing values already there. */
export async function annotate(
  kubectl: Kubectl,
  namespace: string,
  kind: string,
  name: string,
  annotations: Readonly<Record<string, string>>,
): Promise<void> {
  label('namespace', namespace);
  subdomain('object name', name);
  if (!/^[a-z][a-z0-9.]*$/.test(kind)) throw new Error(`annotate: invalid kind ${JSON.stringify(kind)}`);
  const pairs = Object.entries(annotations);
  for (const [key] of pairs) {
    if (!/^([a-z0-9.-]+\/)?[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?$/.test(key)) {
      throw new Error(`annotate: invalid annotation key ${JSON.stringify(key)}`);
    }
  }
  if (pairs.length === 0) return;
  await kubectl.run([
    'annotate',
    `${kind}/${name}`,
    ...pairs.map(([key, value]) => `${key}=${value}`),
    '--overwrite',
    '--namespace',
    namespace,
  ]);
}

/** Records why the current revision exists; `kubectl rollout history` shows it as CHANGE-CAUSE. */
export function annotateChangeCause(
  kubectl: Kubectl,
  namespace: string,
  deployment: string,
  cause: string,
): Promise<void> {
  return annotate(kubectl, namespace, 'deployment', deployment, { [CHANGE_CAUSE_ANNOTATION]: cause });
}

/** `kubectl apply -f -` with the manifests on stdin; returns kubectl's lines (`deployment.apps/x created`). */
export async function applyManifests(kubectl: Kubectl, manifests: string): Promise<string[]> {
  if (!manifests.trim()) throw new Error('applyManifests: no manifests given');
  const { stdout } = await kubectl.run(['apply', '-f', '-'], { stdin: manifests });
  return stdout.split('\n').filter((line) => line.trim() !== '');
}

/** The ReplicaSets the Deployment controls (by owner uid: a same-named older Deployment's are not). */
export async function getReplicaSets(kubectl: Kubectl, deployment: Deployment): Promise<ReplicaSet[]> {
  const namespace = deployment.metadata.namespace;
  if (namespace === undefined)
    throw new Error(`getReplicaSets: deployment ${deployment.metadata.name} has no namespace`);
  const sets = await kubectl.json<List<ReplicaSet>>(
    ['get', 'replicasets', '--namespace', namespace, '--selector', selectorString(deployment.spec.selector)],
    { readOnly: true },
  );
  return ownedReplicaSets(deployment, sets.items);
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

async function orUndefinedWhenNotFound<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof KubectlError && error.notFound) return undefined;
    throw error;
  }
}
