import { applyJsonPatch } from '../patch/json-patch.js';
import { applyMergePatch } from '../patch/merge-patch.js';
import { applyStrategicMergePatch } from '../patch/strategic-merge.js';
import { applyDefaults } from './defaults.js';
import { ApiError, badRequest } from './errors.js';
import { allResources, findResource, groupVersionOf, type ResourceType } from './resources.js';
import { fromLabelSelectorObject, selectorToString } from './selectors.js';
import type { ObjectStore } from './store.js';
import { clone, isoNow, type KubeObject } from './types.js';
import { validateObject } from './validation.js';

export type PatchType = 'json' | 'merge' | 'strategic';

export const patchContentTypes: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
};

export interface DeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  gracePeriodSeconds?: number;
  dryRun?: boolean;
}

export interface ObjectsOptions {
  /** Pods are removed by the kubelet after their containers stopped, not by the API (true with a runtime). */
  gracefulPods: boolean;
}

const namespaces = findResource('', 'v1', 'namespaces')!;

export function applyPatch(type: PatchType, current: unknown, patch: unknown): unknown {
  if (type === 'json') return applyJsonPatch(current, patch);
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    throw badRequest('patch body must be a JSON object');
  }
  return type === 'merge' ? applyMergePatch(current, patch) : applyStrategicMergePatch(current, patch);
}

/**
 * What the API does with an object between the HTTP layer and the store: defaulting, validation, patches,
 * the status and scale subresources, graceful and cascading deletion. Controllers write through it too.
 */
export class ApiObjects {
  constructor(
    readonly store: ObjectStore,
    private readonly options: ObjectsOptions,
  ) {}

  private checkNamespace(type: ResourceType, namespace: string | undefined): void {
    if (!type.namespaced) return;
    const ns = this.store.tryGet(namespaces, undefined, namespace ?? '');
    if (!ns)
      throw new ApiError(404, 'NotFound', `namespaces "${namespace}" not found`, {
        name: namespace,
        kind: 'namespaces',
      });
    if (ns.metadata.deletionTimestamp) {
      throw new ApiError(
        403,
        'Forbidden',
        `${type.name} "${''}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
  }

  create(type: ResourceType, namespace: string | undefined, body: KubeObject, dryRun = false): KubeObject {
    if (!body || typeof body !== 'object' || !body.metadata) {
      if (body && typeof body === 'object') body.metadata = {};
      else throw badRequest('request body must be a JSON object');
    }
    if (type.namespaced) {
      if (body.metadata.namespace && namespace && body.metadata.namespace !== namespace) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      body.metadata.namespace = namespace ?? body.metadata.namespace;
    }
    body.apiVersion = groupVersionOf(type);
    body.kind = type.kind;
    if (!body.metadata.name && body.metadata.generateName)
      body.metadata.name = `${body.metadata.generateName}xxxxx`;
    this.checkNamespace(type, body.metadata.namespace);
    const generated = body.metadata.name?.endsWith('xxxxx') && body.metadata.generateName;
    applyDefaults(body);
    validateObject(type, body);
    if (generated) delete body.metadata.name;
    for (const key of ['uid', 'resourceVersion', 'creationTimestamp', 'deletionTimestamp', 'generation']) {
      delete body.metadata[key];
    }
    if (dryRun) return { ...body, metadata: { ...body.metadata, uid: '', creationTimestamp: isoNow() } };
    return this.store.create(type, body);
  }

  replace(
    type: ResourceType,
    body: KubeObject,
    part: 'main' | 'status' = 'main',
    dryRun = false,
  ): KubeObject {
    const previous = this.store.get(type, body.metadata.namespace, body.metadata.name!);
    body.apiVersion = groupVersionOf(type);
    body.kind = type.kind;
    applyDefaults(body);
    validateObject(type, body, previous);
    if (dryRun) return body;
    return this.store.update(type, body, part);
  }

  patch(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    patchType: PatchType,
    patch: unknown,
    part: 'main' | 'status' = 'main',
    dryRun = false,
  ): KubeObject {
    const current = this.store.get(type, namespace, name);
    const expectedVersion = (patch as { metadata?: { resourceVersion?: string } })?.metadata?.resourceVersion;
    const patched = applyPatch(patchType, current, patch) as KubeObject;
    if (!patched || typeof patched !== 'object' || !patched.metadata)
      throw badRequest('patch removed the object metadata');
    patched.metadata.name = name;
    patched.metadata.namespace = current.metadata.namespace;
    // Only a resourceVersion the patch itself carries is a precondition.
    patched.metadata.resourceVersion = expectedVersion ?? undefined;
    if (!expectedVersion) delete patched.metadata.resourceVersion;
    return this.replace(type, patched, part, dryRun);
  }

  scaleOf(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const o = this.store.get(type, namespace, name);
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: o.metadata.name,
        namespace: o.metadata.namespace,
        uid: o.metadata.uid,
        resourceVersion: o.metadata.resourceVersion,
        creationTimestamp: o.metadata.creationTimestamp,
      },
      spec: { replicas: o.spec?.replicas ?? 0 },
      status: {
        replicas: o.status?.replicas ?? 0,
        selector: selectorToString(fromLabelSelectorObject(o.spec?.selector ?? {})),
      },
    };
  }

  /** Writes a Scale (PUT, or the result of a PATCH) back as the owner's spec.replicas. */
  setScale(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    scale: KubeObject,
    dryRun = false,
  ): KubeObject {
    const replicas = scale.spec?.replicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw badRequest(`spec.replicas must be a non-negative integer, got ${JSON.stringify(replicas)}`);
    }
    const o = this.store.get(type, namespace, name);
    if (scale.metadata?.resourceVersion && scale.metadata.resourceVersion !== o.metadata.resourceVersion) {
      o.metadata.resourceVersion = scale.metadata.resourceVersion;
    }
    o.spec = { ...o.spec, replicas };
    if (!dryRun) this.store.update(type, o);
    return this.scaleOf(type, namespace, name);
  }

  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): KubeObject {
    const object = this.store.get(type, namespace, name);
    if (options.dryRun) return object;
    if (type.kind === 'Namespace') {
      if (!object.metadata.deletionTimestamp) {
        object.metadata.deletionTimestamp = isoNow();
        object.status = { ...object.status, phase: 'Terminating' };
        this.store.update(type, object, 'main');
        return this.store.update(
          type,
          { ...this.store.get(type, undefined, name), status: object.status },
          'status',
        );
      }
      return object;
    }
    if ((object.metadata.finalizers ?? []).length > 0 || (type.kind === 'Pod' && this.options.gracefulPods)) {
      const grace = options.gracePeriodSeconds ?? object.spec?.terminationGracePeriodSeconds ?? 30;
      if (type.kind === 'Pod' && grace === 0 && !(object.metadata.finalizers ?? []).length) {
        return this.removeWithDependents(type, object, options);
      }
      if (!object.metadata.deletionTimestamp) {
        object.metadata.deletionTimestamp = isoNow(new Date(Date.now() + grace * 1000));
        if (type.kind === 'Pod') object.metadata.deletionGracePeriodSeconds = grace;
        return this.store.update(type, object);
      }
      return object;
    }
    return this.removeWithDependents(type, object, options);
  }

  /** Removes an object and, unless orphaned, everything it owns (the garbage collector's work, done at once). */
  removeWithDependents(type: ResourceType, object: KubeObject, options: DeleteOptions = {}): KubeObject {
    const gone = this.store.remove(type, object.metadata.namespace, object.metadata.name!);
    for (const dependent of this.store.dependentsOf(object.metadata.uid!, allResources())) {
      if (options.propagationPolicy === 'Orphan') {
        dependent.object.metadata.ownerReferences = dependent.object.metadata.ownerReferences?.filter(
          (o) => o.uid !== object.metadata.uid,
        );
        this.store.update(dependent.type, dependent.object);
      } else {
        try {
          this.delete(dependent.type, dependent.object.metadata.namespace, dependent.object.metadata.name!, {
            propagationPolicy: 'Background',
          });
        } catch (error) {
          if (!(error instanceof ApiError && error.code === 404)) throw error;
        }
      }
    }
    return gone;
  }

  /** Deletes what a terminating namespace still holds, and the namespace once it is empty. */
  finalizeNamespaces(): void {
    for (const ns of this.store.list(namespaces)) {
      if (!ns.metadata.deletionTimestamp) continue;
      let remaining = 0;
      for (const type of allResources()) {
        if (!type.namespaced) continue;
        for (const object of this.store.list(type, { namespace: ns.metadata.name })) {
          remaining++;
          if (!object.metadata.deletionTimestamp) {
            try {
              this.delete(type, object.metadata.namespace, object.metadata.name!, {
                propagationPolicy: 'Background',
              });
            } catch (error) {
              if (!(error instanceof ApiError && error.code === 404)) throw error;
            }
          }
        }
      }
      if (remaining === 0) this.store.remove(namespaces, undefined, ns.metadata.name!);
    }
  }

  ensureNamespace(name: string): void {
    if (!this.store.tryGet(namespaces, undefined, name)) {
      this.create(namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    }
  }

  cloneOf(object: KubeObject): KubeObject {
    return clone(object);
  }
}
