import { isDeepStrictEqual } from 'node:util';
import { badRequest } from '../api/errors.js';

/** RFC 6902 JSON Patch, as sent by `kubectl patch --type=json` and by `kubectl rollout undo`. */
export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: unknown;
  from?: string;
}

type Container = Record<string, unknown> | unknown[];

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw badRequest(`invalid JSON pointer '${pointer}': must start with '/'`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function parentOf(doc: unknown, tokens: string[], pointer: string): { parent: Container; key: string } {
  let current = doc;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(current)) current = current[arrayIndex(current, token, pointer, false)];
    else if (current && typeof current === 'object') current = (current as Record<string, unknown>)[token];
    else current = undefined;
    if (current === undefined) throw badRequest(`jsonpatch: path '${pointer}' does not exist`);
  }
  if (!current || typeof current !== 'object')
    throw badRequest(`jsonpatch: path '${pointer}' does not exist`);
  return { parent: current as Container, key: tokens[tokens.length - 1]! };
}

function arrayIndex(array: unknown[], token: string, pointer: string, forInsert: boolean): number {
  if (forInsert && token === '-') return array.length;
  if (!/^(0|[1-9]\d*)$/.test(token))
    throw badRequest(`jsonpatch: invalid array index '${token}' in '${pointer}'`);
  const index = Number(token);
  if (index > array.length || (!forInsert && index === array.length)) {
    throw badRequest(`jsonpatch: array index ${index} out of bounds in '${pointer}'`);
  }
  return index;
}

function get(doc: unknown, pointer: string): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return doc;
  const { parent, key } = parentOf(doc, tokens, pointer);
  const value = Array.isArray(parent) ? parent[arrayIndex(parent, key, pointer, false)] : parent[key];
  if (value === undefined) throw badRequest(`jsonpatch: path '${pointer}' does not exist`);
  return value;
}

function add(doc: unknown, pointer: string, value: unknown): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(doc, tokens, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, pointer, true), 0, value);
  else parent[key] = value;
  return doc;
}

function remove(doc: unknown, pointer: string): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) throw badRequest('jsonpatch: cannot remove the whole document');
  const { parent, key } = parentOf(doc, tokens, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, pointer, false), 1);
  else {
    if (!Object.hasOwn(parent, key)) throw badRequest(`jsonpatch: path '${pointer}' does not exist`);
    delete parent[key];
  }
  return doc;
}

export function applyJsonPatch<T>(document: T, operations: unknown): T {
  if (!Array.isArray(operations)) throw badRequest('json patch must be a JSON array of operations');
  let doc: unknown = structuredClone(document);
  for (const raw of operations as JsonPatchOperation[]) {
    const { op, path } = raw;
    if (typeof path !== 'string') throw badRequest(`jsonpatch: operation '${op}' is missing 'path'`);
    switch (op) {
      case 'add':
        doc = add(doc, path, structuredClone(raw.value));
        break;
      case 'remove':
        doc = remove(doc, path);
        break;
      case 'replace':
        get(doc, path);
        doc = add(remove(doc, path), path, structuredClone(raw.value));
        break;
      case 'move': {
        const value = get(doc, raw.from ?? '');
        doc = add(remove(doc, raw.from ?? ''), path, value);
        break;
      }
      case 'copy':
        doc = add(doc, path, structuredClone(get(doc, raw.from ?? '')));
        break;
      case 'test':
        if (!isDeepStrictEqual(get(doc, path), raw.value))
          throw badRequest(`jsonpatch: test failed at '${path}'`);
        break;
      default:
        throw badRequest(`jsonpatch: unknown operation '${String(op)}'`);
    }
  }
  return doc as T;
}
