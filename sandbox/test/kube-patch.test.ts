import { describe, expect, it } from 'vitest';
import { applyJsonPatch } from '../src/kube/patch/json-patch.js';
import { applyMergePatch } from '../src/kube/patch/merge-patch.js';
import { applyStrategicMergePatch } from '../src/kube/patch/strategic-merge.js';

// biome-ignore lint/suspicious/noExplicitAny: tests read open-ended Kubernetes JSON
type Json = any;

const deployment = {
  spec: {
    replicas: 2,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: {
      spec: {
        containers: [
          {
            name: 'app',
            image: 'app:1',
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: '2' },
            ],
            ports: [{ containerPort: 8080 }],
          },
          { name: 'sidecar', image: 'side:1' },
        ],
      },
    },
  },
};

describe('strategic merge patch', () => {
  it('merges containers by name, keeping the ones the patch does not mention', () => {
    const out = applyStrategicMergePatch(deployment, {
      spec: { template: { spec: { containers: [{ name: 'app', image: 'app:2' }] } } },
    }) as typeof deployment;
    expect(out.spec.template.spec.containers.map((c) => `${c.name}=${c.image}`)).toEqual([
      'app=app:2',
      'sidecar=side:1',
    ]);
    expect(out.spec.template.spec.containers[0]!.env).toHaveLength(2);
  });

  it('deletes a list element with $patch: delete and a field with null', () => {
    const out = applyStrategicMergePatch(deployment, {
      spec: {
        replicas: null,
        template: {
          spec: {
            containers: [
              { name: 'app', env: [{ name: 'A', $patch: 'delete' }] },
              { name: 'sidecar', $patch: 'delete' },
            ],
          },
        },
      },
    }) as Json;
    expect(out.spec.replicas).toBeUndefined();
    expect(out.spec.template.spec.containers).toHaveLength(1);
    expect(out.spec.template.spec.containers[0].env).toEqual([{ name: 'B', value: '2' }]);
  });

  it('orders merged lists by $setElementOrder and replaces maps with $patch: replace', () => {
    const out = applyStrategicMergePatch(deployment, {
      spec: {
        strategy: { $patch: 'replace', type: 'Recreate' },
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }],
            containers: [{ name: 'app', image: 'app:3' }],
          },
        },
      },
    }) as Json;
    expect(out.spec.strategy).toEqual({ type: 'Recreate' });
    expect(out.spec.template.spec.containers.map((c: Json) => c.name)).toEqual(['sidecar', 'app']);
  });

  it('drops keys outside $retainKeys, as kubectl apply does when the strategy type changes', () => {
    const out = applyStrategicMergePatch(deployment, {
      spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } },
    }) as Json;
    expect(out.spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('merges container ports by containerPort and service ports by port', () => {
    const svc = {
      spec: {
        ports: [
          { port: 80, name: 'http' },
          { port: 443, name: 'https' },
        ],
      },
    };
    const out = applyStrategicMergePatch(svc, { spec: { ports: [{ port: 443, targetPort: 8443 }] } }) as Json;
    expect(out.spec.ports).toEqual([
      { port: 80, name: 'http' },
      { port: 443, name: 'https', targetPort: 8443 },
    ]);
  });

  it('rejects a keyed list element without its merge key', () => {
    expect(() =>
      applyStrategicMergePatch(deployment, {
        spec: { template: { spec: { containers: [{ image: 'x' }] } } },
      }),
    ).toThrow(/does not contain declared merge key: name/);
  });

  it('replaces lists that have no merge key, such as args', () => {
    const out = applyStrategicMergePatch({ args: ['a', 'b'] }, { args: ['c'] });
    expect(out).toEqual({ args: ['c'] });
  });
});

describe('JSON merge patch', () => {
  it('merges objects, deletes on null and replaces lists', () => {
    expect(applyMergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { b: null, d: 3 }, l: [3] })).toEqual({
      a: { c: 2, d: 3 },
      l: [3],
    });
  });
});

describe('JSON patch', () => {
  it('applies add, replace, remove, move, copy and test in order', () => {
    const out = applyJsonPatch({ a: [1, 2], b: { c: 'x' } }, [
      { op: 'add', path: '/a/-', value: 3 },
      { op: 'replace', path: '/b/c', value: 'y' },
      { op: 'copy', from: '/b/c', path: '/d' },
      { op: 'move', from: '/d', path: '/e~1f' },
      { op: 'remove', path: '/a/0' },
      { op: 'test', path: '/a', value: [2, 3] },
    ]);
    expect(out).toEqual({ a: [2, 3], b: { c: 'y' }, 'e/f': 'y' });
  });

  it('fails a failed test and a missing path with a message naming the path', () => {
    expect(() => applyJsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }])).toThrow(
      /test failed at '\/a'/,
    );
    expect(() => applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '/x/y', value: 2 }])).toThrow(
      /'\/x\/y' does not exist/,
    );
  });

  it('does not change the document it was given', () => {
    const doc = { a: [1] };
    applyJsonPatch(doc, [{ op: 'add', path: '/a/0', value: 0 }]);
    expect(doc).toEqual({ a: [1] });
  });
});
