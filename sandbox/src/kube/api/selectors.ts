import { badRequest } from './errors.js';
import type { KubeObject } from './types.js';

/** One parsed requirement of a label selector (the string form kubectl sends in `labelSelector`). */
export interface LabelRequirement {
  key: string;
  operator: 'in' | 'notin' | 'exists' | '!' | '=' | '!=' | 'gt' | 'lt';
  values: string[];
}

export type LabelSelector = LabelRequirement[];

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (current.trim() !== '') parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

export function parseLabelSelector(text: string | null | undefined): LabelSelector {
  if (!text) return [];
  return splitTopLevel(text).map((part) => {
    let m = /^([^\s!=<>()]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (m) {
      const values = m[3]!
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '');
      return { key: m[1]!, operator: m[2] as 'in' | 'notin', values };
    }
    m = /^!\s*([^\s!=<>()]+)$/.exec(part);
    if (m) return { key: m[1]!, operator: '!', values: [] };
    m = /^([^\s!=<>()]+)\s*(==|=|!=|>|<)\s*([^\s,()]*)$/.exec(part);
    if (m) {
      const op = m[2] === '==' ? '=' : m[2] === '>' ? 'gt' : m[2] === '<' ? 'lt' : (m[2] as '=' | '!=');
      return { key: m[1]!, operator: op, values: [m[3]!] };
    }
    m = /^([^\s!=<>()]+)$/.exec(part);
    if (m) return { key: m[1]!, operator: 'exists', values: [] };
    throw badRequest(`unable to parse requirement: found '${part}', expected: in, notin, =, ==, !=, gt, lt`);
  });
}

export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const have = labels ?? {};
  return selector.every(({ key, operator, values }) => {
    const present = Object.hasOwn(have, key);
    const value = have[key];
    switch (operator) {
      case '=':
        return present && value === values[0];
      case '!=':
        return !present || value !== values[0];
      case 'in':
        return present && values.includes(value!);
      case 'notin':
        return !present || !values.includes(value!);
      case 'exists':
        return present;
      case '!':
        return !present;
      case 'gt':
        return present && Number(value) > Number(values[0]);
      case 'lt':
        return present && Number(value) < Number(values[0]);
      default:
        return false;
    }
  });
}

/** The structured selector of Deployments, ReplicaSets and Services, as a parsed selector. */
export function fromLabelSelectorObject(selector: {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}): LabelSelector {
  const requirements: LabelSelector = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({
    key,
    operator: '=',
    values: [value],
  }));
  for (const e of selector.matchExpressions ?? []) {
    const operator = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' }[e.operator];
    if (!operator) throw badRequest(`unsupported selector operator ${e.operator}`);
    requirements.push({
      key: e.key,
      operator: operator as LabelRequirement['operator'],
      values: e.values ?? [],
    });
  }
  return requirements;
}

export function selectorToString(selector: LabelSelector): string {
  return selector
    .map(({ key, operator, values }) => {
      switch (operator) {
        case '=':
        case '!=':
          return `${key}${operator}${values[0]}`;
        case 'in':
        case 'notin':
          return `${key} ${operator} (${values.join(',')})`;
        case 'exists':
          return key;
        case '!':
          return `!${key}`;
        case 'gt':
          return `${key}>${values[0]}`;
        case 'lt':
          return `${key}<${values[0]}`;
        default:
          return '';
      }
    })
    .join(',');
}

export interface FieldRequirement {
  path: string;
  equal: boolean;
  value: string;
}

export function parseFieldSelector(text: string | null | undefined): FieldRequirement[] {
  if (!text) return [];
  return text
    .split(',')
    .filter((p) => p.trim() !== '')
    .map((part) => {
      const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(part.trim());
      if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
      return { path: m[1]!, equal: m[2] !== '!=', value: m[3]! };
    });
}

function fieldValue(object: KubeObject, path: string): string {
  let current: unknown = object;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') return '';
    current = (current as Record<string, unknown>)[segment];
  }
  return current === undefined || current === null ? '' : String(current);
}

export function matchesFields(requirements: FieldRequirement[], object: KubeObject): boolean {
  return requirements.every(({ path, equal, value }) => (fieldValue(object, path) === value) === equal);
}
