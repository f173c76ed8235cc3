import { allResources, groupVersionOf } from './resources.js';

/**
 * A minimal OpenAPI v3 index. kubectl reads it for one thing the sandbox needs: whether the server accepts
 * `fieldValidation` on PATCH for a kind. Saying yes lets kubectl leave validation to the server instead of
 * downloading full schemas. The PATCH operations list no strategic-merge body on purpose: kubectl then
 * computes apply patches from its built-in types rather than from schemas this index does not carry.
 */
function pathOf(gv: string): string {
  return gv.includes('/') ? `apis/${gv}` : `api/${gv}`;
}

export function openApiRoot(): Record<string, unknown> {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const type of allResources()) {
    const path = pathOf(groupVersionOf(type));
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=sandbox` };
  }
  return { paths };
}

export function openApiGroupVersion(path: string): Record<string, unknown> | undefined {
  const types = allResources().filter((t) => pathOf(groupVersionOf(t)) === path);
  if (types.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  for (const type of types) {
    const base = `/${path}/${type.namespaced ? 'namespaces/{namespace}/' : ''}${type.name}/{name}`;
    paths[base] = {
      patch: {
        'x-kubernetes-group-version-kind': { group: type.group, version: type.version, kind: type.kind },
        parameters: [
          { name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } },
          { name: 'fieldManager', in: 'query', schema: { type: 'string', uniqueItems: true } },
          { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } },
        ],
        requestBody: {
          content: {
            'application/json-patch+json': { schema: { type: 'object' } },
            'application/merge-patch+json': { schema: { type: 'object' } },
          },
        },
        responses: { '200': { description: 'OK' } },
      },
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths,
    components: { schemas: {} },
  };
}
