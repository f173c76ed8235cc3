import { parseAllDocuments } from 'yaml';

/** The fields every Kubernetes object has; the rest is read through `get`. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** Parses a multi-document YAML stream (what `kubectl kustomize` prints) into objects. */
export function parseManifests(text: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`invalid YAML in manifests: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    if (!isKubeObject(value)) {
      throw new Error(
        `not a Kubernetes object (needs apiVersion, kind, metadata.name): ${JSON.stringify(value)}`,
      );
    }
    objects.push(value);
  }
  return objects;
}

function isKubeObject(value: unknown): value is KubeObject {
  if (typeof value !== 'object' || value === null) return false;
  const object = value as Record<string, unknown>;
  const metadata = object.metadata as Record<string, unknown> | undefined;
  return (
    typeof object.apiVersion === 'string' &&
    typeof object.kind === 'string' &&
    typeof metadata?.name === 'string'
  );
}

export function objectId(object: KubeObject): string {
  const ns = object.metadata.namespace ? `${object.metadata.namespace}/` : '';
  return `${object.kind} ${ns}${object.metadata.name}`;
}

/** Reads a nested field by path, `undefined` when any step is missing. */
export function get(value: unknown, ...path: (string | number)[]): unknown {
  let current = value;
  for (const step of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[step];
  }
  return current;
}

export function findObject(objects: KubeObject[], kind: string, name?: string): KubeObject | undefined {
  return objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
}
