import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The k8s/ folder of this repository, wherever it is checked out. */
export const k8sRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const OVERLAYS = ['dev', 'stage', 'prod', 'preview'] as const;
export type Overlay = (typeof OVERLAYS)[number];

export function overlayDir(overlay: Overlay): string {
  return join(k8sRoot, 'overlays', overlay);
}

export const monitoringDir = join(k8sRoot, 'monitoring');
export const componentsDir = join(k8sRoot, 'components');
export const goldenDir = join(k8sRoot, 'test', 'golden');
