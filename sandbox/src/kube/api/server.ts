import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { coreVersions, group, groupList, resourceList, versionInfo } from './discovery.js';
import { ApiError, badRequest, statusObject } from './errors.js';
import type { Faults } from './faults.js';
import { type ApiObjects, applyPatch, type DeleteOptions, patchContentTypes } from './objects.js';
import { openApiGroupVersion, openApiRoot } from './openapi.js';
import { findResource, groupVersionOf, type ResourceType } from './resources.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { toTable } from './tables.js';
import type { KubeObject } from './types.js';
import { serveWatch, type WatchRegistry } from './watch.js';

export interface LogOptions {
  container: string;
  follow: boolean;
  previous: boolean;
  tailLines?: number;
  timestamps: boolean;
}

/** Where `pods/log` reads from: the pod runtime. */
export interface PodLogSource {
  streamLogs(pod: KubeObject, options: LogOptions, res: ServerResponse, req: IncomingMessage): Promise<void>;
}

export interface ApiServerParts {
  objects: ApiObjects;
  watches: WatchRegistry;
  faults: Faults;
  logs?: PodLogSource;
  /** Extra read-only sandbox endpoints under /sandbox/ (e.g. the service proxy's ports). */
  sandboxInfo?: () => Record<string, unknown>;
}

interface ResourceRoute {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

const maxBodyBytes = 8 * 1024 * 1024;

function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) throw new ApiError(413, 'RequestEntityTooLarge', 'request body too large');
    chunks.push(chunk as Buffer);
  }
  const contentType = req.headers['content-type'] ?? '';
  if (contentType.includes('protobuf') || contentType.includes('cbor')) {
    // Only JSON (and YAML) bodies are understood; client-go retries a 415 answer in JSON.
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unsupported format "${contentType}": send application/json`,
    );
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return contentType.includes('yaml') ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw badRequest(
      `request body is not valid ${contentType.includes('yaml') ? 'YAML' : 'JSON'}: ${(error as Error).message}`,
    );
  }
}

function parseRoute(parts: string[]): ResourceRoute | undefined {
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else return undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const type = findResource(group, version, rest[2]!);
    if (type?.namespaced) return { type, namespace: rest[1], name: rest[3], subresource: rest[4] };
  }
  const type = findResource(group, version, rest[0]!);
  if (!type) return undefined;
  return { type, name: rest[1], subresource: rest[2] };
}

function wantsTable(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').split(',').some((a) => a.includes('as=Table'));
}

function deleteOptions(body: unknown, query: URLSearchParams): DeleteOptions {
  const b = (body ?? {}) as Record<string, unknown>;
  const policy = (b.propagationPolicy ??
    query.get('propagationPolicy') ??
    undefined) as DeleteOptions['propagationPolicy'];
  if (policy && !['Background', 'Foreground', 'Orphan'].includes(policy)) {
    throw badRequest(`propagationPolicy must be Background, Foreground or Orphan, got "${policy}"`);
  }
  const grace = b.gracePeriodSeconds ?? query.get('gracePeriodSeconds') ?? undefined;
  const dryRun = Array.isArray(b.dryRun) ? b.dryRun.includes('All') : query.get('dryRun') === 'All';
  return {
    propagationPolicy: policy,
    gracePeriodSeconds: grace === undefined ? undefined : Number(grace),
    dryRun,
  };
}

function listKind(type: ResourceType): string {
  return `${type.kind}List`;
}

export class ApiServer {
  constructor(private readonly parts: ApiServerParts) {}

  listen(port: number, host = '127.0.0.1'): Promise<Server> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error) => this.fail(res, error));
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve(server));
    });
  }

  private fail(res: ServerResponse, error: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof ApiError) sendJson(res, error.code, error.toStatus());
    else {
      console.error('kube api: internal error', error);
      sendJson(
        res,
        500,
        statusObject(500, 'InternalError', `Internal error occurred: ${(error as Error).message}`),
      );
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const parts = url.pathname.split('/').filter((p) => p !== '');
    if (parts[0] === 'sandbox') return this.handleSandbox(req, res, parts);
    const verdict = this.parts.faults.consult(url.pathname);
    if (verdict.delayMs > 0) await new Promise((r) => setTimeout(r, verdict.delayMs));
    if (verdict.fail) {
      const { code, reason } = verdict.fail;
      return sendJson(res, code, statusObject(code, reason, `sandbox fault: answering ${code} on purpose`));
    }
    const route = parseRoute(parts);
    if (route) return this.handleResource(req, res, route, url.searchParams);
    if (req.method !== 'GET')
      throw new ApiError(405, 'MethodNotAllowed', `${req.method} is not allowed on ${url.pathname}`);
    return this.handleMeta(req, res, parts, url.pathname);
  }

  private handleMeta(req: IncomingMessage, res: ServerResponse, parts: string[], path: string): void {
    const host = req.headers.host ?? '127.0.0.1';
    let body: unknown;
    if (path === '/version') body = versionInfo();
    else if (['/healthz', '/livez', '/readyz'].includes(path)) {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return;
    } else if (path === '/api') body = coreVersions(host);
    else if (path === '/apis') body = groupList();
    else if (parts[0] === 'api' && parts.length === 2) body = resourceList('', parts[1]!);
    else if (parts[0] === 'apis' && parts.length === 2) body = group(parts[1]!);
    else if (parts[0] === 'apis' && parts.length === 3) body = resourceList(parts[1]!, parts[2]!);
    else if (path === '/openapi/v3') body = openApiRoot();
    else if (parts[0] === 'openapi' && parts[1] === 'v3')
      body = openApiGroupVersion(parts.slice(2).join('/'));
    if (body === undefined) {
      sendJson(
        res,
        404,
        statusObject(404, 'NotFound', 'the server could not find the requested resource', { causes: [] }),
      );
      return;
    }
    sendJson(res, 200, body);
  }

  private async handleSandbox(req: IncomingMessage, res: ServerResponse, parts: string[]): Promise<void> {
    if (parts[1] === 'faults') {
      if (req.method === 'POST') return sendJson(res, 200, this.parts.faults.apply(await readBody(req)));
      if (req.method === 'GET') return sendJson(res, 200, this.parts.faults.state());
    }
    if (parts[1] === 'info' && req.method === 'GET')
      return sendJson(res, 200, this.parts.sandboxInfo?.() ?? {});
    throw new ApiError(404, 'NotFound', `no sandbox endpoint ${parts.join('/')}`);
  }

  private render(req: IncomingMessage, query: URLSearchParams, type: ResourceType) {
    const table = wantsTable(req);
    return (object: KubeObject, first: boolean): unknown =>
      table
        ? toTable(type, [object], object.metadata.resourceVersion ?? '', {
            withColumns: first,
            includeObject: query.get('includeObject'),
          })
        : object;
  }

  private async handleResource(
    req: IncomingMessage,
    res: ServerResponse,
    route: ResourceRoute,
    query: URLSearchParams,
  ): Promise<void> {
    const { objects } = this.parts;
    const { type, namespace, name, subresource } = route;
    const dryRun = query.getAll('dryRun').includes('All');
    const method = req.method ?? 'GET';
    if (!name) {
      if (method === 'GET') return this.listOrWatch(req, res, route, query);
      if (method === 'POST') {
        const created = objects.create(type, namespace, (await readBody(req)) as KubeObject, dryRun);
        return sendJson(res, 201, created);
      }
      if (method === 'DELETE') {
        const options = deleteOptions(await readBody(req), query);
        const items = objects.store.list(type, {
          namespace,
          labels: parseLabelSelector(query.get('labelSelector')),
          fields: parseFieldSelector(query.get('fieldSelector')),
        });
        const deleted = items.map((o) =>
          objects.delete(type, o.metadata.namespace, o.metadata.name!, options),
        );
        return sendJson(res, 200, {
          kind: listKind(type),
          apiVersion: groupVersionOf(type),
          metadata: {},
          items: deleted,
        });
      }
      throw new ApiError(405, 'MethodNotAllowed', `${method} is not allowed on a collection`);
    }
    if (type.namespaced && !namespace)
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    if (subresource === 'log' && type.kind === 'Pod' && method === 'GET')
      return this.logs(req, res, route, query);
    if (subresource === 'scale' && type.hasScale) return this.scale(req, res, route, dryRun);
    if (subresource && !(subresource === 'status' && type.hasStatus)) {
      throw new ApiError(
        404,
        'NotFound',
        `the server could not find the requested resource (${type.name}/${subresource})`,
      );
    }
    const part = subresource === 'status' ? 'status' : 'main';
    switch (method) {
      case 'GET': {
        const object = objects.store.get(type, namespace, name);
        if (wantsTable(req)) {
          return sendJson(
            res,
            200,
            toTable(type, [object], object.metadata.resourceVersion!, {
              withColumns: true,
              includeObject: query.get('includeObject'),
            }),
          );
        }
        return sendJson(res, 200, object);
      }
      case 'PUT': {
        const body = (await readBody(req)) as KubeObject;
        if (!body?.metadata) throw badRequest('request body must be an object with metadata');
        if (body.metadata.name !== name) {
          throw badRequest(
            `the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`,
          );
        }
        body.metadata.namespace = namespace;
        return sendJson(res, 200, objects.replace(type, body, part, dryRun));
      }
      case 'PATCH': {
        const patchType = this.patchType(req);
        const patched = objects.patch(type, namespace, name, patchType, await readBody(req), part, dryRun);
        return sendJson(res, 200, patched);
      }
      case 'DELETE': {
        const deleted = objects.delete(type, namespace, name, deleteOptions(await readBody(req), query));
        return sendJson(res, 200, deleted);
      }
      default:
        throw new ApiError(405, 'MethodNotAllowed', `${method} is not allowed`);
    }
  }

  private patchType(req: IncomingMessage) {
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
    const patchType = patchContentTypes[contentType];
    if (!patchType) {
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: ${Object.keys(patchContentTypes).join(', ')} (server-side apply is not served by the sandbox)`,
      );
    }
    return patchType;
  }

  private async scale(
    req: IncomingMessage,
    res: ServerResponse,
    route: ResourceRoute,
    dryRun: boolean,
  ): Promise<void> {
    const { objects } = this.parts;
    const { type, namespace, name } = route;
    if (req.method === 'GET') return sendJson(res, 200, objects.scaleOf(type, namespace, name!));
    if (req.method === 'PUT')
      return sendJson(
        res,
        200,
        objects.setScale(type, namespace, name!, (await readBody(req)) as KubeObject, dryRun),
      );
    if (req.method === 'PATCH') {
      const patchType = this.patchType(req);
      const body = await readBody(req);
      const current = objects.scaleOf(type, namespace, name!);
      const patched = applyPatch(patchType, current, body);
      return sendJson(res, 200, objects.setScale(type, namespace, name!, patched as KubeObject, dryRun));
    }
    throw new ApiError(405, 'MethodNotAllowed', `${req.method} is not allowed on scale`);
  }

  private async logs(
    req: IncomingMessage,
    res: ServerResponse,
    route: ResourceRoute,
    query: URLSearchParams,
  ): Promise<void> {
    const pod = this.parts.objects.store.get(route.type, route.namespace, route.name!);
    const containers: { name: string }[] = pod.spec?.containers ?? [];
    const container = query.get('container') ?? (containers.length === 1 ? containers[0]!.name : undefined);
    if (!container) {
      throw badRequest(
        `a container name must be specified for pod ${route.name}, choose one of: [${containers.map((c) => c.name).join(' ')}]`,
      );
    }
    if (!containers.some((c) => c.name === container)) {
      throw badRequest(`container ${container} is not valid for pod ${route.name}`);
    }
    if (!this.parts.logs)
      throw badRequest(`pod ${route.name} has no runtime in this sandbox (started without a Docker engine)`);
    const tail = query.get('tailLines');
    await this.parts.logs.streamLogs(
      pod,
      {
        container,
        follow: query.get('follow') === 'true',
        previous: query.get('previous') === 'true',
        timestamps: query.get('timestamps') === 'true',
        tailLines: tail === null ? undefined : Number(tail),
      },
      res,
      req,
    );
  }

  private listOrWatch(
    req: IncomingMessage,
    res: ServerResponse,
    route: ResourceRoute,
    query: URLSearchParams,
  ): void {
    const { objects, watches } = this.parts;
    const { type, namespace } = route;
    const labels = parseLabelSelector(query.get('labelSelector'));
    const fields = parseFieldSelector(query.get('fieldSelector'));
    const watch = query.get('watch');
    if (watch === 'true' || watch === '1') {
      const timeout = query.get('timeoutSeconds');
      serveWatch(req, res, objects.store, watches, {
        type,
        namespace,
        labels,
        fields,
        resourceVersion: query.get('resourceVersion') ?? undefined,
        timeoutSeconds: timeout === null ? undefined : Number(timeout),
        sendInitialEvents: query.get('sendInitialEvents') === 'true',
        render: this.render(req, query, type),
      });
      return;
    }
    const resourceVersion = String(objects.store.resourceVersion);
    const items = objects.store.list(type, { namespace, labels, fields });
    if (wantsTable(req)) {
      sendJson(
        res,
        200,
        toTable(type, items, resourceVersion, {
          withColumns: true,
          includeObject: query.get('includeObject'),
        }),
      );
      return;
    }
    const bare = items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
    sendJson(res, 200, {
      kind: listKind(type),
      apiVersion: groupVersionOf(type),
      metadata: { resourceVersion },
      items: bare,
    });
  }
}
