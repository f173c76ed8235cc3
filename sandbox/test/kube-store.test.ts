import { describe, expect, it } from 'vitest';
import { ApiObjects } from '../src/kube/api/objects.js';
import { findResource } from '../src/kube/api/resources.js';
import { ObjectStore } from '../src/kube/api/store.js';
import type { KubeObject } from '../src/kube/api/types.js';

// biome-ignore lint/suspicious/noExplicitAny: tests read open-ended Kubernetes JSON
type Json = any;

const deployments = findResource('apps', 'v1', 'deployments')!;
const configMaps = findResource('', 'v1', 'configmaps')!;
const namespaces = findResource('', 'v1', 'namespaces')!;

function setup() {
  const store = new ObjectStore(10);
  const objects = new ApiObjects(store, { gracefulPods: false });
  objects.ensureNamespace('default');
  return { store, objects };
}

function deployment(name: string, image = 'app:1'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } },
    },
  };
}

describe('object store', () => {
  it('gives created objects a uid, a resourceVersion from one global counter, and defaults', () => {
    const { objects } = setup();
    const a = objects.create(deployments, 'default', deployment('a'));
    const b = objects.create(deployments, 'default', deployment('b'));
    expect(a.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(b.metadata.resourceVersion)).toBeGreaterThan(Number(a.metadata.resourceVersion));
    expect(a.metadata.generation).toBe(1);
    expect(a.spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
    });
    expect(a.spec.template.spec.containers[0].imagePullPolicy).toBe('IfNotPresent');
  });

  it('bumps generation on spec changes only, and keeps status out of main-endpoint writes', () => {
    const { objects, store } = setup();
    const a = objects.create(deployments, 'default', deployment('a'));
    const labelled = objects.patch(deployments, 'default', 'a', 'merge', {
      metadata: { labels: { x: 'y' } },
      status: { replicas: 9 },
    });
    expect(labelled.metadata.generation).toBe(1);
    expect(labelled.status).toBeUndefined();
    const changed = objects.patch(deployments, 'default', 'a', 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'app', image: 'app:2' }] } } },
    });
    expect(changed.metadata.generation).toBe(2);
    expect(store.get(deployments, 'default', 'a').metadata.uid).toBe(a.metadata.uid);
  });

  it('answers a stale resourceVersion with 409 Conflict and a duplicate name with AlreadyExists', () => {
    const { objects } = setup();
    const a = objects.create(deployments, 'default', deployment('a'));
    objects.patch(deployments, 'default', 'a', 'merge', { spec: { replicas: 3 } });
    expect(() => objects.replace(deployments, { ...a, metadata: { ...a.metadata } })).toThrow(
      'Operation cannot be fulfilled on deployments.apps "a": the object has been modified',
    );
    expect(() => objects.create(deployments, 'default', deployment('a'))).toThrow(
      'deployments.apps "a" already exists',
    );
  });

  it('rejects a selector that does not match the template labels with 422 Invalid', () => {
    const { objects } = setup();
    const bad = deployment('a');
    bad.spec.selector.matchLabels.app = 'other';
    try {
      objects.create(deployments, 'default', bad);
      expect.unreachable('create should have failed');
    } catch (caught) {
      const error = caught as Json;
      expect(error.code).toBe(422);
      expect(error.message).toContain('Deployment.apps "a" is invalid: spec.template.metadata.labels');
    }
  });

  it('refuses objects in a namespace that does not exist', () => {
    const { objects } = setup();
    expect(() => objects.create(configMaps, 'nowhere', { metadata: { name: 'c' } })).toThrow(
      'namespaces "nowhere" not found',
    );
  });

  it('replays changes after a resourceVersion and answers 410 Expired once they are compacted', () => {
    const { objects, store } = setup();
    const start = store.resourceVersion;
    objects.create(configMaps, 'default', { metadata: { name: 'c' }, data: { k: 'v' } });
    objects.patch(configMaps, 'default', 'c', 'merge', { data: { k: 'w' } });
    expect(store.eventsSince(start).map((e) => e.type)).toEqual(['ADDED', 'MODIFIED']);
    store.compact();
    expect(() => store.eventsSince(start)).toThrow(`too old resource version: ${start}`);
  });

  it('deletes what an object owns unless told to orphan it', () => {
    const { objects, store } = setup();
    const owner = objects.create(configMaps, 'default', { metadata: { name: 'owner' } });
    const ref = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: 'owner',
      uid: owner.metadata.uid!,
      controller: true,
    };
    objects.create(configMaps, 'default', { metadata: { name: 'child', ownerReferences: [ref] } });
    objects.delete(configMaps, 'default', 'owner');
    expect(store.tryGet(configMaps, 'default', 'child')).toBeUndefined();

    const owner2 = objects.create(configMaps, 'default', { metadata: { name: 'owner2' } });
    objects.create(configMaps, 'default', {
      metadata: { name: 'child2', ownerReferences: [{ ...ref, name: 'owner2', uid: owner2.metadata.uid! }] },
    });
    objects.delete(configMaps, 'default', 'owner2', { propagationPolicy: 'Orphan' });
    expect(store.get(configMaps, 'default', 'child2').metadata.ownerReferences).toEqual([]);
  });

  it('empties a deleted namespace before removing it', () => {
    const { objects, store } = setup();
    objects.ensureNamespace('gone');
    objects.create(configMaps, 'gone', { metadata: { name: 'c' } });
    objects.delete(namespaces, undefined, 'gone');
    expect(store.get(namespaces, undefined, 'gone').status.phase).toBe('Terminating');
    objects.finalizeNamespaces();
    objects.finalizeNamespaces();
    expect(store.tryGet(configMaps, 'gone', 'c')).toBeUndefined();
    expect(store.tryGet(namespaces, undefined, 'gone')).toBeUndefined();
  });
});
