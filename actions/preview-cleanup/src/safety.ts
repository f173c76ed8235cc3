import { PREVIEW_ENVIRONMENT, PREVIEW_LABEL } from '../../lib/src/derived-names.js';
import type { Namespace } from '../../lib/src/kubectl/index.js';

/** A namespace this action will not delete, and why; the API server refuses it too (deployer-rbac). */
export class NotAPreviewError extends Error {
  constructor(
    readonly namespace: string,
    reason: string,
  ) {
    super(`Refusing to delete namespace '${namespace}': ${reason}. Nothing was deleted.`);
    this.name = 'NotAPreviewError';
  }
}

export interface PreviewRule {
  /** branch-to-namespace's `namespace-prefix`. */
  prefix: string;
  /** Namespaces never deleted, whatever their labels: the long-lived environments'. */
  protectedNamespaces: readonly string[];
}

/**
 * Throws unless the namespace is a preview by the project's own rule: named `<prefix>preview-…`, labelled
 * `k8s-ship.io/preview=true` at creation, and not one of the protected environments' namespaces.
 */
export function checkPreview(name: string, namespace: Namespace | undefined, rule: PreviewRule): void {
  if (rule.protectedNamespaces.includes(name)) {
    throw new NotAPreviewError(
      name,
      'it is a protected environment’s namespace (input protected-environments)',
    );
  }
  const prefix = `${rule.prefix}${PREVIEW_ENVIRONMENT}-`;
  if (!name.startsWith(prefix)) throw new NotAPreviewError(name, `a preview's name starts with '${prefix}'`);
  if (namespace === undefined) return;
  const label = namespace.metadata.labels?.[PREVIEW_LABEL];
  if (label !== 'true') {
    throw new NotAPreviewError(
      name,
      `it has no ${PREVIEW_LABEL}=true label (${label === undefined ? 'none' : `'${label}'`}), which every preview gets at creation`,
    );
  }
}
