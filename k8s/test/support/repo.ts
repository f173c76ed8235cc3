import { resolve } from 'node:path';
import { k8sRoot } from '../../src/paths.js';

/** The repository root, one level above k8s/. */
export const repoRootFromK8s = resolve(k8sRoot, '..');
