import { badRequest } from '../api/errors.js';

/**
 * Strategic merge patch as kubectl sends it for built-in kinds (`kubectl apply`, `set image`, `patch`):
 * lists of objects merge by their key (containers by name, ports by port), `null` deletes a field, and the
 * directives `$patch` (replace/delete/merge), `$retainKeys`, `$setElementOrder/<list>` and
 * `$deleteFromPrimitiveList/<list>` are honoured. The merge keys come from a field-name table rather than
 * the OpenAPI schema: every list the sandbox's kinds merge is in it.
 */
type Json = unknown;
type JsonObject = Record<string, Json>;

const mergeKeyByField: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  imagePullSecrets: 'name',
  resourceClaims: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  conditions: 'type',
  ownerReferences: 'uid',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
};

/** Lists of scalars that merge as sets instead of being replaced. */
const mergedScalarLists = new Set(['finalizers']);

const orderPrefix = '$setElementOrder/';
const deletePrefix = '$deleteFromPrimitiveList/';

function isObject(value: Json): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function mergeKeyFor(field: string, ...lists: Json[][]): string | undefined {
  if (field === 'ports') {
    // Container ports merge by containerPort, Service ports by port.
    const sample = lists.flat().find(isObject);
    return sample && 'containerPort' in sample ? 'containerPort' : 'port';
  }
  return mergeKeyByField[field];
}

function withoutDirectives(value: Json): Json {
  if (Array.isArray(value))
    return value.filter((v) => !(isObject(v) && '$patch' in v)).map(withoutDirectives);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('$')) continue;
    if (v === null) continue;
    out[k] = withoutDirectives(v);
  }
  return out;
}

function reorder(list: Json[], order: Json[], key: string | undefined): Json[] {
  const position = (item: Json): number =>
    order.findIndex((o) => (key && isObject(o) && isObject(item) ? o[key] === item[key] : o === item));
  const listed = list.filter((item) => position(item) >= 0).sort((a, b) => position(a) - position(b));
  return [...listed, ...list.filter((item) => position(item) < 0)];
}

function mergeList(original: Json, patch: Json[], field: string): Json[] {
  if (patch.some((item) => isObject(item) && item.$patch === 'replace')) {
    return withoutDirectives(patch) as Json[];
  }
  const current = Array.isArray(original) ? structuredClone(original) : [];
  const key = mergeKeyFor(field, patch, current);
  if (!key || !patch.every(isObject)) {
    if (mergedScalarLists.has(field)) return [...current, ...patch.filter((v) => !current.includes(v))];
    return withoutDirectives(patch) as Json[];
  }
  for (const item of patch as JsonObject[]) {
    if (item[key] === undefined)
      throw badRequest(`map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`);
    const index = current.findIndex((c) => isObject(c) && c[key] === item[key]);
    if (item.$patch === 'delete') {
      if (index >= 0) current.splice(index, 1);
    } else if (index >= 0) {
      current[index] = applyStrategicMergePatch(current[index], item);
    } else {
      current.push(applyStrategicMergePatch({}, item));
    }
  }
  return current;
}

export function applyStrategicMergePatch(original: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') return withoutDirectives(patch);
  if (patch.$patch === 'delete') return undefined;
  const result: JsonObject = isObject(original) ? structuredClone(original) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) continue;
    if (value === null) delete result[key];
    else if (Array.isArray(value)) result[key] = mergeList(result[key], value, key);
    else if (isObject(value)) {
      const merged = applyStrategicMergePatch(result[key], value);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else result[key] = value;
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(deletePrefix) && Array.isArray(value)) {
      const field = key.slice(deletePrefix.length);
      const list = result[field];
      if (Array.isArray(list)) result[field] = list.filter((v) => !value.includes(v));
    }
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(orderPrefix) && Array.isArray(value)) {
      const field = key.slice(orderPrefix.length);
      const list = result[field];
      if (Array.isArray(list)) result[field] = reorder(list, value, mergeKeyFor(field, value, list));
    }
  }
  const retain = patch.$retainKeys;
  if (Array.isArray(retain)) {
    for (const key of Object.keys(result)) if (!retain.includes(key)) delete result[key];
  }
  return result;
}
