import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { stringify } from 'yaml';
import { ProcessCommandRunner } from '../../actions/lib/src/command.js';
import { parseImageReference } from '../../actions/lib/src/docker/image-ref.js';
import { kustomizeBuild } from '../../actions/lib/src/kubectl/kustomize.js';
import {
  DNS1123_LABEL_EXPECTED,
  isDns1123Label,
  isDnsHostName,
} from '../../actions/lib/src/kubectl/names.js';
import { componentsDir, monitoringDir, OVERLAYS, type Overlay, overlayDir } from './paths.js';

/** The name the manifests give the image; kustomize's `images:` field replaces it. */
export const IMAGE_PLACEHOLDER = 'k8s-ship/service';

export interface RenderOptions {
  overlay: Overlay;
  /** The namespace every object lands in, the Namespace object included (preview: one per branch). */
  namespace?: string;
  /** The image to run, `repository:tag` or better `repository@sha256:…`. */
  image?: string;
  /** Replaces the Ingress host (preview: one per branch). */
  ingressHost?: string;
  /** Adds `imagePullSecrets: registry-pull` (registries the nodes cannot pull from by themselves). */
  pullSecret?: boolean;
  /** Adds the ServiceMonitor, PrometheusRule and dashboard (clusters with the Prometheus operator). */
  monitoring?: boolean;
  kubectl?: string;
}

/** Checks the options and builds the kustomization that wraps the overlay. */
export function wrapperKustomization(options: RenderOptions, wrapperDir: string): Record<string, unknown> {
  const { overlay, namespace, image, ingressHost } = options;
  if (!(OVERLAYS as readonly string[]).includes(overlay)) {
    throw new Error(`Invalid overlay '${overlay}': expected one of ${OVERLAYS.join(', ')}.`);
  }
  if (namespace !== undefined && !isDns1123Label(namespace)) {
    throw new Error(`Invalid namespace '${namespace}': expected ${DNS1123_LABEL_EXPECTED}.`);
  }
  if (ingressHost !== undefined && !isDnsHostName(ingressHost)) {
    throw new Error(
      `Invalid ingressHost '${ingressHost}': expected a lowercase DNS name such as app.example.com.`,
    );
  }
  const from = (dir: string) => relative(wrapperDir, dir);
  const kustomization: Record<string, unknown> = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    ...(namespace !== undefined && { namespace }),
    resources: [from(overlayDir(overlay))],
  };
  const components = [
    ...(options.pullSecret ? [from(join(componentsDir, 'registry-pull-secret'))] : []),
    ...(options.monitoring ? [from(monitoringDir)] : []),
  ];
  if (components.length > 0) kustomization.components = components;
  if (image !== undefined) {
    const ref = parseImageReference(image);
    // A digest pins the bytes; the tag then only documents, so kustomize is given the digest alone.
    const pin = ref.digest !== undefined ? { digest: ref.digest } : { newTag: ref.tag };
    kustomization.images = [{ name: IMAGE_PLACEHOLDER, newName: ref.name, ...pin }];
  }
  if (ingressHost !== undefined) {
    const patch = [{ op: 'replace', path: '/spec/rules/0/host', value: ingressHost }];
    kustomization.patches = [
      { target: { kind: 'Ingress', name: 'metrics-api' }, patch: JSON.stringify(patch) },
    ];
  }
  return kustomization;
}

/** kubectl for tooling outside a workflow step: no `::debug::` line per command. */
export const quietRunner = new ProcessCommandRunner(() => {});

/**
 * Renders an overlay with what only the pipeline knows (namespace, image, host). kubectl has no
 * `kustomize edit`, and the overlays stay untouched in the checkout: a throwaway kustomization that
 * points at the overlay carries the settings, and kustomize applies them as it would its own.
 */
export async function renderOverlay(options: RenderOptions): Promise<string> {
  const wrapperDir = await mkdtemp(join(tmpdir(), 'k8s-ship-render-'));
  try {
    const kustomization = wrapperKustomization(options, wrapperDir);
    await writeFile(join(wrapperDir, 'kustomization.yaml'), stringify(kustomization));
    const { yaml } = await kustomizeBuild(wrapperDir, {
      runner: quietRunner,
      ...(options.kubectl === undefined ? {} : { kubectl: options.kubectl }),
    });
    return yaml;
  } finally {
    await rm(wrapperDir, { recursive: true, force: true });
  }
}
