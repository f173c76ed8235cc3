import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { setImagesInManifests } from '../src/bootstrap.js';

const rendered = `apiVersion: v1
kind: Namespace
metadata:
  name: shop-dev
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: metrics-api
  namespace: shop-dev
spec:
  template:
    spec:
      containers:
        - name: sidecar
          image: proxy:1
        - name: metrics-api
          image: k8s-ship/service:0.1.0 # placeholder
`;

describe('setImagesInManifests', () => {
  it('sets the image on the named container of the named Deployment only', () => {
    const out = setImagesInManifests(rendered, {
      deployment: 'metrics-api',
      images: { 'metrics-api': `r.example/api@sha256:${'c'.repeat(64)}` },
      overlayDir: 'k8s/overlays/dev',
    });
    const objects = parseAllDocuments(out).map((document) => document.toJS());
    expect(objects[0]).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop-dev' } });
    expect(objects[1].spec.template.spec.containers).toEqual([
      { name: 'sidecar', image: 'proxy:1' },
      { name: 'metrics-api', image: `r.example/api@sha256:${'c'.repeat(64)}` },
    ]);
  });

  it('fails when the overlay has no such Deployment or container', () => {
    expect(() =>
      setImagesInManifests(rendered, {
        deployment: 'other',
        images: { x: 'a:1' },
        overlayDir: 'k8s/overlays/dev',
      }),
    ).toThrow('the overlay k8s/overlays/dev renders no Deployment named other');
    expect(() =>
      setImagesInManifests(rendered, { deployment: 'metrics-api', images: { web: 'a:1' }, overlayDir: 'o' }),
    ).toThrow("has no container 'web' (it has sidecar, metrics-api)");
  });
});
