import * as prometheusOperator from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import * as apps from 'kubernetes-models/apps/v1';
import * as autoscaling from 'kubernetes-models/autoscaling/v2';
import * as networking from 'kubernetes-models/networking.k8s.io/v1';
import * as policy from 'kubernetes-models/policy/v1';
import * as core from 'kubernetes-models/v1';
import { type KubeObject, objectId } from './manifests.js';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: never) => Validatable;

// The API versions this project ships, and nothing older: an object of any other group/version (a
// deprecated one such as autoscaling/v2beta2 included) is refused rather than waved through.
const MODELS: Record<string, Record<string, unknown>> = {
  v1: core,
  'apps/v1': apps,
  'autoscaling/v2': autoscaling,
  'networking.k8s.io/v1': networking,
  'policy/v1': policy,
  'monitoring.coreos.com/v1': prometheusOperator,
};

/**
 * Validates an object against the Kubernetes OpenAPI schema of its kind (kubernetes-models, and its
 * prometheus-operator models for the CRDs). Returns the problems found, empty when it is valid.
 */
export function schemaErrors(object: KubeObject): string[] {
  const group = MODELS[object.apiVersion];
  if (!group) return [`${objectId(object)}: apiVersion ${object.apiVersion} is not one this project ships`];
  const Model = group[object.kind] as ModelClass | undefined;
  if (typeof Model !== 'function')
    return [`${objectId(object)}: no schema for kind ${object.kind} in ${object.apiVersion}`];
  try {
    new Model(object as never).validate();
    return [];
  } catch (error) {
    return [`${objectId(object)}: ${(error as Error).message}`];
  }
}
