import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the stand-in received it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query. */
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  body: unknown;
}

export interface StoredDeployment {
  id: number;
  sha: string;
  ref: string;
  environment: string;
  transient_environment: boolean;
  production_environment: boolean;
  description: string;
  /** Newest last. */
  statuses: { id: number; state: string; [key: string]: unknown }[];
}

/** An answer that replaces the stand-in's own for one request, e.g. GitHub's 403. */
export interface CannedAnswer {
  status: number;
  /** undefined: no body (GitHub's 204). */
  body: unknown;
  headers?: Record<string, string>;
}

export interface GitHubApiStandIn {
  /** GITHUB_API_URL for the action under test. */
  url: string;
  requests: RecordedRequest[];
  deployments: StoredDeployment[];
  /** The repository's environments by name: a deployment to a new name makes one, as on GitHub. */
  environments: Set<string>;
  /** The repository's branches by name. */
  branches: Set<string>;
  /** A deployment made earlier (by an earlier run), with its statuses' states, oldest first. */
  seedDeployment(deployment: Omit<StoredDeployment, 'id' | 'statuses'>, states: string[]): StoredDeployment;
  /** Answers each request `pick` returns an answer for with that answer, instead of the stand-in's own. */
  intercept(pick: (request: RecordedRequest) => CannedAnswer | undefined): void;
  close(): Promise<void>;
}

const SHA = /^[0-9a-f]{40}$/;
const NOT_FOUND: CannedAnswer = { status: 404, body: { message: 'Not Found' } };

export interface GitHubApiStandInOptions {
  /** The job's token: it may do everything except delete environments, like GITHUB_TOKEN. */
  token: string;
  /** A token with "Administration: write" as well (a fine-grained PAT): it may delete environments too. */
  administrationToken?: string;
  repository: string;
  /** Default: `main`. */
  branches?: string[];
}

/**
 * A loopback stand-in for the part of GitHub's REST API the actions use: deployments and their statuses,
 * environments and branches, kept in memory, with GitHub's answer shapes (201 on create, deployment lists
 * newest first, at most 100 a page with `Link: <…>; rel="next"`, 401 for a wrong token, 404 for an unknown
 * deployment, `Branch not found`, 403 when the job token deletes an environment, 204 when it is deleted).
 * Every request is recorded so that tests assert exactly what the action sent. It listens on 127.0.0.1 only.
 */
export async function startGitHubApiStandIn(options: GitHubApiStandInOptions): Promise<GitHubApiStandIn> {
  const requests: RecordedRequest[] = [];
  const deployments: StoredDeployment[] = [];
  const environments = new Set<string>();
  const branches = new Set(options.branches ?? ['main']);
  const interceptors: ((request: RecordedRequest) => CannedAnswer | undefined)[] = [];
  let nextId = 1000;
  let url = '';
  const repository = `/repos/${options.repository}`;
  const base = `${repository}/deployments`;
  const jobToken = `token ${options.token}`;
  const mayAdminister = (request: RecordedRequest) =>
    options.administrationToken !== undefined &&
    request.authorization === `token ${options.administrationToken}`;

  const answer = (request: RecordedRequest): CannedAnswer => {
    for (const pick of interceptors) {
      const canned = pick(request);
      if (canned) return canned;
    }
    if (request.authorization !== jobToken && !mayAdminister(request)) {
      return { status: 401, body: { message: 'Bad credentials' } };
    }
    const within = request.path.startsWith(`${repository}/`) ? request.path.slice(repository.length) : '';
    const [, environment] = /^\/environments\/([^/]+)$/.exec(within) ?? [];
    if (environment !== undefined) {
      if (request.method !== 'DELETE') return NOT_FOUND;
      // No `permissions:` setting gives GITHUB_TOKEN the administration permission this needs.
      if (!mayAdminister(request)) {
        return {
          status: 403,
          body: {
            message: 'Resource not accessible by integration',
            documentation_url: 'https://docs.github.com/rest/deployments/environments#delete-an-environment',
            status: '403',
          },
        };
      }
      return environments.delete(decodeURIComponent(environment))
        ? { status: 204, body: undefined }
        : NOT_FOUND;
    }
    if (within === '/branches' && request.method === 'GET') {
      return onePage([...branches].sort().map(branchView), request, url);
    }
    const [, branch] = /^\/branches\/(.+)$/.exec(within) ?? [];
    if (branch !== undefined && request.method === 'GET') {
      const name = decodeURIComponent(branch);
      if (branches.has(name)) return { status: 200, body: branchView(name) };
      return {
        status: 404,
        body: {
          message: 'Branch not found',
          documentation_url: 'https://docs.github.com/rest/branches/branches#get-a-branch',
          status: '404',
        },
      };
    }
    const find = (id: string | undefined) => deployments.find((d) => String(d.id) === id);
    const [, id, rest] = /^\/(\d+)(\/statuses)?$/.exec(request.path.slice(base.length)) ?? [];
    if (request.path === base && request.method === 'POST') {
      const body = request.body as Record<string, unknown>;
      const ref = String(body.ref ?? '');
      const deployment: StoredDeployment = {
        id: nextId++,
        ref,
        sha: SHA.test(ref) ? ref : 'f'.repeat(40),
        environment: String(body.environment ?? 'production'),
        transient_environment: body.transient_environment === true,
        production_environment: body.production_environment === true,
        description: String(body.description ?? ''),
        statuses: [],
      };
      deployments.push(deployment);
      environments.add(deployment.environment);
      return { status: 201, body: publicView(deployment) };
    }
    if (request.path === base && request.method === 'GET') {
      const found = deployments
        .filter((d) => request.query.environment === undefined || d.environment === request.query.environment)
        .reverse();
      return onePage(found.map(publicView), request, url);
    }
    const deployment = find(id);
    if (id === undefined || !deployment) return NOT_FOUND;
    if (rest === undefined && request.method === 'GET') return { status: 200, body: publicView(deployment) };
    if (rest !== undefined && request.method === 'POST') {
      const status = {
        id: nextId++,
        ...(request.body as Record<string, unknown>),
      } as StoredDeployment['statuses'][number];
      deployment.statuses.push(status);
      return { status: 201, body: status };
    }
    if (rest !== undefined && request.method === 'GET') {
      const perPage = Number(request.query.per_page ?? 30);
      return { status: 200, body: [...deployment.statuses].reverse().slice(0, perPage) };
    }
    return NOT_FOUND;
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const request: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        authorization: req.headers.authorization,
        body: text === '' ? undefined : JSON.parse(text),
      };
      requests.push(request);
      const { status, body, headers } = answer(request);
      if (body === undefined) {
        res.writeHead(status, headers);
        res.end();
        return;
      }
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  url = `http://127.0.0.1:${port}`;

  return {
    url,
    requests,
    deployments,
    environments,
    branches,
    seedDeployment(deployment, states) {
      const stored: StoredDeployment = {
        ...deployment,
        id: nextId++,
        statuses: states.map((state) => ({ id: nextId++, state })),
      };
      deployments.push(stored);
      environments.add(stored.environment);
      return stored;
    },
    intercept(pick) {
      interceptors.push(pick);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * One page of a list as GitHub pages it: `per_page` (default 30, at most 100) items from `page` (default 1),
 * and a Link header naming the next and last pages while there are more.
 */
function onePage(items: unknown[], request: RecordedRequest, url: string): CannedAnswer {
  const perPage = Math.min(100, Math.max(1, Number(request.query.per_page ?? 30) || 30));
  const page = Math.max(1, Number(request.query.page ?? 1) || 1);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const body = items.slice((page - 1) * perPage, page * perPage);
  if (page >= lastPage) return { status: 200, body };
  const pageUrl = (n: number) =>
    `<${url}${request.path}?${new URLSearchParams({ ...request.query, page: String(n) })}>`;
  return {
    status: 200,
    body,
    headers: { link: `${pageUrl(page + 1)}; rel="next", ${pageUrl(lastPage)}; rel="last"` },
  };
}

function branchView(name: string) {
  return { name, commit: { sha: 'f'.repeat(40), url: `commits/${name}` }, protected: false };
}

function publicView(deployment: StoredDeployment) {
  const { statuses: _statuses, ...rest } = deployment;
  return { ...rest, task: 'deploy', url: `deployments/${deployment.id}` };
}
