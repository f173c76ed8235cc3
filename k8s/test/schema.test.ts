import { describe, expect, it } from 'vitest';
import { kustomizeBuild } from '../../actions/lib/src/kubectl/kustomize.js';
import { type KubeObject, parseManifests } from '../src/manifests.js';
import { OVERLAYS, overlayDir } from '../src/paths.js';
import { renderOverlay } from '../src/render-overlay.js';
import { schemaErrors } from '../src/schema.js';

describe.each(OVERLAYS)('overlay %s', (overlay) => {
  it('renders only objects that validate against the Kubernetes schemas', async () => {
    const objects = parseManifests((await kustomizeBuild(overlayDir(overlay))).yaml);
    expect(objects.length).toBeGreaterThan(5);
    expect(objects.flatMap(schemaErrors)).toEqual([]);
  });

  it('with the monitoring and pull-secret components, still validates (ServiceMonitor, PrometheusRule included)', async () => {
    const objects = parseManifests(await renderOverlay({ overlay, monitoring: true, pullSecret: true }));
    const kinds = objects.map((o) => o.kind);
    expect(kinds).toEqual(expect.arrayContaining(['ServiceMonitor', 'PrometheusRule']));
    expect(objects.flatMap(schemaErrors)).toEqual([]);
  });
});

describe('schemaErrors', () => {
  const deployment = (container: Record<string, unknown>): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'broken' },
    spec: { selector: { matchLabels: { a: 'b' } }, template: { spec: { containers: [container] } } },
  });

  it('reports a field of the wrong type', () => {
    const errors = schemaErrors(
      deployment({ name: 'c', image: 'x:1', resources: { limits: { cpu: 'lots' } } }),
    );
    expect(errors.join()).toMatch(/Deployment broken: .*limits\/cpu/);
  });

  it('reports a missing required field', () => {
    expect(schemaErrors(deployment({ image: 'x:1' })).join()).toMatch(/name/);
  });

  it('refuses API versions the project does not ship, deprecated ones included', () => {
    const hpa: KubeObject = {
      apiVersion: 'autoscaling/v2beta2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'h' },
    };
    expect(schemaErrors(hpa)).toEqual([
      'HorizontalPodAutoscaler h: apiVersion autoscaling/v2beta2 is not one this project ships',
    ]);
  });

  it('refuses unknown kinds', () => {
    expect(schemaErrors({ apiVersion: 'v1', kind: 'Gadget', metadata: { name: 'g' } })).toEqual([
      'Gadget g: no schema for kind Gadget in v1',
    ]);
  });
});
