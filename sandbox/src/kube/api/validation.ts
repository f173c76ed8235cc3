import { isDeepStrictEqual } from 'node:util';
import { invalid, type StatusCause } from './errors.js';
import type { ResourceType } from './resources.js';
import { fromLabelSelectorObject, matchesLabels } from './selectors.js';
import type { KubeObject } from './types.js';

// biome-ignore lint/suspicious/noExplicitAny: validation walks open-ended JSON
type Any = any;

const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function required(field: string): StatusCause {
  return { reason: 'FieldValueRequired', message: 'Required value', field };
}

function invalidValue(field: string, value: unknown, why: string): StatusCause {
  return { reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(value)}: ${why}`, field };
}

function validateContainers(spec: Any, path: string, causes: StatusCause[]): void {
  const containers = spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    causes.push(required(`${path}.containers`));
    return;
  }
  const names = new Set<string>();
  containers.forEach((c: Any, i: number) => {
    const at = `${path}.containers[${i}]`;
    if (!c.name) causes.push(required(`${at}.name`));
    else if (!dns1123Label.test(c.name))
      causes.push(invalidValue(`${at}.name`, c.name, 'must be a DNS-1123 label'));
    else if (names.has(c.name))
      causes.push({
        reason: 'FieldValueDuplicate',
        message: `Duplicate value: "${c.name}"`,
        field: `${at}.name`,
      });
    names.add(c.name);
    if (!c.image) causes.push(required(`${at}.image`));
  });
}

function validateSelectorAndTemplate(object: Any, causes: StatusCause[]): void {
  const spec = object.spec ?? {};
  if (!spec.selector) {
    causes.push(required('spec.selector'));
    return;
  }
  const labels = spec.template?.metadata?.labels ?? {};
  if (!matchesLabels(fromLabelSelectorObject(spec.selector), labels)) {
    causes.push(
      invalidValue('spec.template.metadata.labels', labels, '`selector` does not match template `labels`'),
    );
  }
  validateContainers(spec.template?.spec, 'spec.template.spec', causes);
  if (typeof spec.replicas === 'number' && spec.replicas < 0) {
    causes.push(invalidValue('spec.replicas', spec.replicas, 'must be greater than or equal to 0'));
  }
}

function validateAutoscaler(spec: Any, causes: StatusCause[]): void {
  const ref = spec.scaleTargetRef ?? {};
  if (!ref.kind) causes.push(required('spec.scaleTargetRef.kind'));
  if (!ref.name) causes.push(required('spec.scaleTargetRef.name'));
  const min = spec.minReplicas;
  if (!Number.isInteger(min) || min < 1) {
    causes.push(invalidValue('spec.minReplicas', min, 'must be greater than or equal to 1'));
  }
  const max = spec.maxReplicas;
  if (!Number.isInteger(max) || max < 1) {
    causes.push(invalidValue('spec.maxReplicas', max ?? 0, 'must be greater than 0'));
  } else if (Number.isInteger(min) && max < min) {
    causes.push(invalidValue('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  }
}

/** The checks that make a real API server answer 422 for the mistakes a deploy pipeline can make. */
export function validateObject(type: ResourceType, object: KubeObject, previous?: KubeObject): void {
  const causes: StatusCause[] = [];
  const name = object.metadata.name ?? '';
  if (!name) causes.push(required('metadata.name'));
  else if (type.kind !== 'Event' && !dns1123Subdomain.test(name)) {
    causes.push(
      invalidValue(
        'metadata.name',
        name,
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'",
      ),
    );
  }
  const o = object as Any;
  if (type.kind === 'Deployment' || type.kind === 'ReplicaSet') {
    validateSelectorAndTemplate(o, causes);
    if (previous && !isDeepStrictEqual(o.spec?.selector, (previous as Any).spec?.selector)) {
      causes.push(invalidValue('spec.selector', o.spec?.selector, 'field is immutable'));
    }
  }
  if (type.kind === 'Pod') validateContainers(o.spec, 'spec', causes);
  if (type.kind === 'Service') {
    for (const [i, p] of (o.spec?.ports ?? []).entries()) {
      if (typeof p.port !== 'number' || p.port < 1 || p.port > 65535) {
        causes.push(invalidValue(`spec.ports[${i}].port`, p.port, 'must be between 1 and 65535, inclusive'));
      }
    }
  }
  if (type.kind === 'HorizontalPodAutoscaler') validateAutoscaler(o.spec ?? {}, causes);
  if (causes.length > 0) throw invalid(type, name, causes);
}
