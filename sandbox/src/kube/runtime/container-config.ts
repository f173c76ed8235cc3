import { findResource } from '../api/resources.js';
import type { ObjectStore } from '../api/store.js';
import type { KubeObject } from '../api/types.js';

const configMaps = findResource('', 'v1', 'configmaps')!;
const secrets = findResource('', 'v1', 'secrets')!;

/** A container whose configuration cannot be built yet: the kubelet's CreateContainerConfigError. */
export class ContainerConfigError extends Error {}

// biome-ignore lint/suspicious/noExplicitAny: container specs are open-ended JSON
type Any = any;

const imageReference =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::\w[\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

export function isValidImageReference(image: string): boolean {
  return imageReference.test(image);
}

/** The registry host of an image reference (`docker.io` when it names none). */
export function registryOf(image: string): string {
  const first = image.split('/')[0]!;
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')
    ? first
    : 'docker.io';
}

function dataOf(kind: 'ConfigMap' | 'Secret', object: KubeObject): Record<string, string> {
  if (kind === 'ConfigMap') return { ...(object.data as Record<string, string>) };
  return Object.fromEntries(
    Object.entries((object.data as Record<string, string>) ?? {}).map(([k, v]) => [
      k,
      Buffer.from(v, 'base64').toString('utf8'),
    ]),
  );
}

function fieldRef(pod: KubeObject, path: string): string {
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (m) return pod.metadata[m[1] as 'labels' | 'annotations']?.[m[2]!] ?? '';
  const values: Record<string, string | undefined> = {
    'metadata.name': pod.metadata.name,
    'metadata.namespace': pod.metadata.namespace,
    'metadata.uid': pod.metadata.uid,
    'spec.nodeName': pod.spec?.nodeName,
    'spec.serviceAccountName': pod.spec?.serviceAccountName,
    'status.podIP': '127.0.0.1',
    'status.hostIP': '127.0.0.1',
  };
  return values[path] ?? '';
}

/** Builds a container's environment from env and envFrom, reading ConfigMaps and Secrets from the store. */
export function containerEnv(store: ObjectStore, pod: KubeObject, container: Any): Record<string, string> {
  const ns = pod.metadata.namespace!;
  const lookup = (
    kind: 'ConfigMap' | 'Secret',
    name: string,
    optional: boolean,
  ): Record<string, string> | undefined => {
    const object = store.tryGet(kind === 'ConfigMap' ? configMaps : secrets, ns, name);
    if (!object) {
      if (optional) return undefined;
      throw new ContainerConfigError(`${kind.toLowerCase()} "${name}" not found`);
    }
    return dataOf(kind, object);
  };
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const kind = from.configMapRef ? 'ConfigMap' : 'Secret';
    const ref = from.configMapRef ?? from.secretRef;
    const data = lookup(kind, ref.name, ref.optional === true) ?? {};
    for (const [k, v] of Object.entries(data)) env[`${from.prefix ?? ''}${k}`] = v;
  }
  for (const e of container.env ?? []) {
    if (e.value !== undefined || !e.valueFrom) {
      env[e.name] = String(e.value ?? '').replace(
        /\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g,
        (all, name) => env[name] ?? all,
      );
      continue;
    }
    const { configMapKeyRef, secretKeyRef, fieldRef: field } = e.valueFrom;
    if (field) env[e.name] = fieldRef(pod, field.fieldPath);
    else if (configMapKeyRef || secretKeyRef) {
      const kind = configMapKeyRef ? 'ConfigMap' : 'Secret';
      const ref = configMapKeyRef ?? secretKeyRef;
      const data = lookup(kind, ref.name, ref.optional === true);
      if (data === undefined) continue;
      if (!(ref.key in data)) {
        if (ref.optional) continue;
        throw new ContainerConfigError(`couldn't find key ${ref.key} in ${kind} ${ns}/${ref.name}`);
      }
      env[e.name] = data[ref.key]!;
    }
  }
  return env;
}

/** Registry credentials from the pod's kubernetes.io/dockerconfigjson pull secrets. */
export function pullCredentials(
  store: ObjectStore,
  pod: KubeObject,
): { credentials: { registry: string; username: string; password: string }[]; missing: string[] } {
  const credentials: { registry: string; username: string; password: string }[] = [];
  const missing: string[] = [];
  for (const { name } of pod.spec?.imagePullSecrets ?? []) {
    const secret = store.tryGet(secrets, pod.metadata.namespace, name);
    const raw = (secret?.data as Record<string, string> | undefined)?.['.dockerconfigjson'];
    if (!raw) {
      missing.push(name);
      continue;
    }
    const config = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as {
      auths?: Record<string, { username?: string; password?: string; auth?: string }>;
    };
    for (const [registry, entry] of Object.entries(config.auths ?? {})) {
      let { username, password } = entry;
      if ((!username || !password) && entry.auth) {
        const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        username = decoded.slice(0, colon);
        password = decoded.slice(colon + 1);
      }
      if (username && password)
        credentials.push({
          registry: registry.replace(/^https?:\/\//, '').replace(/\/.*$/, ''),
          username,
          password,
        });
    }
  }
  return { credentials, missing };
}
