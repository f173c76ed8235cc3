import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import {
  InvalidImageReferenceError,
  PINNED_IMAGE_EXPECTED,
  parseImageReference,
} from '../../lib/src/docker/image-ref.js';
import {
  ConfigurationError,
  getDurationInput,
  getListInput,
  getOptionalInput,
  getRequiredInput,
} from '../../lib/src/index.js';
import {
  DNS1123_LABEL_EXPECTED,
  DNS1123_SUBDOMAIN_EXPECTED,
  isDns1123Label,
  isDns1123Subdomain,
} from '../../lib/src/kubectl/index.js';
import { getTargetConnectionInputs, type TargetConnection } from '../../lib/src/target/index.js';
import { getProgressiveInputs, type ProgressiveInputs } from './progressive/inputs.js';

export interface SetImageInputs {
  namespace: string;
  deployment: string;
  /** Container name → the image to set. */
  images: Record<string, string>;
  image: string;
  /** Absolute path of the kustomize overlay inside the workspace, for the first deploy. */
  overlayDir?: string;
  changeCause?: string;
  /** How long to wait for the Deployment controller to give the change its revision number. */
  revisionTimeoutMs: number;
  /** The control-plane node over SSH, and kubectl and its kubeconfig there. */
  target: TargetConnection;
  /** A canary or blue/green deploy; absent for a rolling update (the default). */
  progressive?: ProgressiveInputs;
}

/** Tabs, newlines, escapes: anything below space, and DEL. */
const hasControlCharacter = (text: string): boolean =>
  [...text].some((char) => (char.codePointAt(0) ?? 0) < 0x20 || char === '\u007f');

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

function overlayInput(workspace: string): string | undefined {
  const value = getOptionalInput('overlay');
  if (value === undefined) return undefined;
  const dir = resolve(workspace, value);
  const inside = relative(workspace, dir);
  if (inside.startsWith('..') || isAbsolute(inside)) {
    throw ConfigurationError.invalidInput(
      'overlay',
      value,
      'a kustomize folder inside the workspace, e.g. k8s/overlays/dev',
    );
  }
  if (
    !existsSync(dir) ||
    !statSync(dir).isDirectory() ||
    !KUSTOMIZATION_FILES.some((f) => existsSync(join(dir, f)))
  ) {
    throw ConfigurationError.invalidInput(
      'overlay',
      value,
      'a folder of the checkout that holds a kustomization.yaml',
    );
  }
  return dir;
}

function imageInput(): string {
  const image = getRequiredInput(
    'image',
    "Pass build-push's image-ref output (registry/repository@sha256:…).",
  );
  try {
    parseImageReference(image);
  } catch (error) {
    if (!(error instanceof InvalidImageReferenceError)) throw error;
    throw ConfigurationError.invalidInput('image', image, `${PINNED_IMAGE_EXPECTED} (${error.reason})`);
  }
  return image;
}

/**
 * Reads and checks every input, the connection's included, before anything touches the network: a bad or
 * hostile value stops the action here with the input's name.
 */
export function getInputs(env: NodeJS.ProcessEnv = process.env): SetImageInputs {
  const namespace = getRequiredInput('namespace');
  if (!isDns1123Label(namespace))
    throw ConfigurationError.invalidInput('namespace', namespace, DNS1123_LABEL_EXPECTED);
  const deployment = getRequiredInput('deployment');
  if (!isDns1123Subdomain(deployment)) {
    throw ConfigurationError.invalidInput('deployment', deployment, DNS1123_SUBDOMAIN_EXPECTED);
  }
  const containers = getListInput('containers');
  const names = containers.length > 0 ? containers : [deployment];
  for (const name of names) {
    if (!isDns1123Label(name))
      throw ConfigurationError.invalidInput('containers', name, DNS1123_LABEL_EXPECTED);
  }
  const image = imageInput();
  const changeCause = getOptionalInput('change-cause');
  // The annotation is one argv word; control characters would only garble `rollout history`.
  if (changeCause !== undefined && (hasControlCharacter(changeCause) || changeCause.length > 1024)) {
    throw ConfigurationError.invalidInput('change-cause', changeCause, 'one line of at most 1024 characters');
  }
  return {
    namespace,
    deployment,
    image,
    images: Object.fromEntries(names.map((name) => [name, image])),
    ...(() => {
      const overlayDir = overlayInput(env.GITHUB_WORKSPACE ?? process.cwd());
      return overlayDir === undefined ? {} : { overlayDir };
    })(),
    ...(changeCause !== undefined && { changeCause }),
    ...(() => {
      const progressive = getProgressiveInputs(deployment);
      return progressive === undefined ? {} : { progressive };
    })(),
    revisionTimeoutMs: getDurationInput('revision-timeout', 60_000, { minMs: 1000, maxMs: 600_000 }),
    target: getTargetConnectionInputs({ action: 'ssh-set-image', ssh: 'required' }),
  };
}
