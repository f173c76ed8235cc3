/*
 * The first deploy of an environment: the namespace or the Deployment does not exist yet. The overlay is
 * rendered here, on the runner, with kubectl's built-in kustomize (GitHub's ubuntu runners have kubectl),
 * into the target namespace, with the image set; the manifests then go to the node on stdin.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { kustomizeBuild } from '../../lib/src/kubectl/index.js';

export interface BootstrapPlan {
  overlayDir: string;
  namespace: string;
  deployment: string;
  images: Readonly<Record<string, string>>;
  /** kubectl on the runner, for `kubectl kustomize`; default `localKubectlPath()`. */
  localKubectl?: string;
}

interface ManifestObject {
  kind?: string;
  metadata?: { name?: string };
  spec?: { template?: { spec?: { containers?: { name: string; image: string }[] } } };
}

/** The overlay's manifests in the namespace, with the image set on the Deployment's containers. */
export async function renderBootstrapManifests(plan: BootstrapPlan): Promise<string> {
  const wrapperDir = await mkdtemp(join(tmpdir(), 'ssh-set-image-render-'));
  let yaml: string;
  try {
    // A throwaway kustomization around the overlay: the checkout stays untouched.
    const kustomization = {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      namespace: plan.namespace,
      resources: [relative(wrapperDir, plan.overlayDir)],
    };
    await writeFile(join(wrapperDir, 'kustomization.yaml'), stringify(kustomization));
    const options = plan.localKubectl === undefined ? {} : { kubectl: plan.localKubectl };
    ({ yaml } = await kustomizeBuild(wrapperDir, options));
  } finally {
    await rm(wrapperDir, { recursive: true, force: true });
  }
  return setImagesInManifests(yaml, plan);
}

/** Sets the images on the named Deployment; fails when the overlay has no such Deployment or container. */
export function setImagesInManifests(
  yaml: string,
  plan: Pick<BootstrapPlan, 'deployment' | 'images' | 'overlayDir'>,
): string {
  const documents = parseAllDocuments(yaml);
  let found = false;
  for (const document of documents) {
    if (document.errors.length > 0)
      throw new Error(`the rendered overlay is not valid YAML: ${document.errors[0]?.message}`);
    const object = document.toJS() as ManifestObject | null;
    if (object?.kind !== 'Deployment' || object.metadata?.name !== plan.deployment) continue;
    found = true;
    const containers = object.spec?.template?.spec?.containers ?? [];
    for (const [name, image] of Object.entries(plan.images)) {
      const index = containers.findIndex((container) => container.name === name);
      if (index < 0) {
        throw new Error(
          `the overlay's Deployment ${plan.deployment} has no container '${name}' (it has ${containers.map((c) => c.name).join(', ')})`,
        );
      }
      document.setIn(['spec', 'template', 'spec', 'containers', index, 'image'], image);
    }
  }
  if (!found)
    throw new Error(`the overlay ${plan.overlayDir} renders no Deployment named ${plan.deployment}`);
  return documents.map((document) => document.toString()).join('');
}
