import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findObject, get, parseManifests } from '../src/manifests.js';
import { overlayPolicyProblems } from '../src/policy.js';
import { renderOverlay, wrapperKustomization } from '../src/render-overlay.js';
import { schemaErrors } from '../src/schema.js';

const digest = `sha256:${'c'.repeat(64)}`;

describe('renderOverlay, as the pipeline renders a branch preview', () => {
  it('moves every object, the Namespace itself included, into the branch namespace and sets image and host', async () => {
    const objects = parseManifests(
      await renderOverlay({
        overlay: 'preview',
        namespace: 'preview-feature-x-1a2b3c',
        image: `127.0.0.1:5000/k8s-ship/service@${digest}`,
        ingressHost: 'feature-x.preview.example.com',
        pullSecret: true,
      }),
    );
    const namespace = findObject(objects, 'Namespace')!;
    expect(namespace.metadata.name).toBe('preview-feature-x-1a2b3c');
    expect(namespace.metadata.labels?.['k8s-ship.io/preview']).toBe('true');
    expect(
      objects
        .filter((o) => o.kind !== 'Namespace')
        .every((o) => o.metadata.namespace === 'preview-feature-x-1a2b3c'),
    ).toBe(true);
    const pod = get(findObject(objects, 'Deployment'), 'spec', 'template', 'spec');
    expect(get(pod, 'containers', 0, 'image')).toBe(`127.0.0.1:5000/k8s-ship/service@${digest}`);
    expect(get(pod, 'imagePullSecrets')).toEqual([{ name: 'registry-pull' }]);
    expect(get(findObject(objects, 'Ingress'), 'spec', 'rules', 0, 'host')).toBe(
      'feature-x.preview.example.com',
    );
    expect(objects.flatMap(schemaErrors)).toEqual([]);
    expect(overlayPolicyProblems('preview', objects)).toEqual([]);
  });

  it('sets a tagged image on prod and leaves the overlay itself untouched', async () => {
    const objects = parseManifests(
      await renderOverlay({ overlay: 'prod', image: 'registry.example.com/team/service:v2.0.1' }),
    );
    expect(get(findObject(objects, 'Deployment'), 'spec', 'template', 'spec', 'containers', 0, 'image')).toBe(
      'registry.example.com/team/service:v2.0.1',
    );
    expect(
      get(findObject(objects, 'Deployment'), 'spec', 'template', 'spec', 'imagePullSecrets'),
    ).toBeUndefined();
    expect(findObject(objects, 'Namespace')!.metadata.name).toBe('prod');
  });
});

describe('wrapperKustomization refuses bad input before anything runs', () => {
  it.each([
    [{ overlay: 'qa' }, "Invalid overlay 'qa': expected one of dev, stage, prod, preview."],
    [
      { overlay: 'preview', namespace: 'Feature_X' },
      "Invalid namespace 'Feature_X': expected a DNS-1123 label",
    ],
    [{ overlay: 'preview', namespace: `p-${'a'.repeat(62)}` }, 'Invalid namespace'],
    [{ overlay: 'preview', namespace: 'x;rm -rf /' }, "Invalid namespace 'x;rm -rf /'"],
    [{ overlay: 'dev', image: 'svc:latest' }, "Invalid image 'svc:latest'"],
    [{ overlay: 'dev', ingressHost: 'https://x.example.com' }, "Invalid ingressHost 'https://x.example.com'"],
  ])('%j', (options, message) => {
    expect(() => wrapperKustomization(options as never, join(tmpdir(), 'k8s-ship-wrapper'))).toThrow(message);
  });
});
