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
  body: unknown;
}

export interface GitHubApiStandIn {
  /** GITHUB_API_URL for the action under test. */
  url: string;
  requests: RecordedRequest[];
  deployments: StoredDeployment[];
  /** A deployment made earlier (by an earlier run), with its statuses' states, oldest first. */
  seedDeployment(deployment: Omit<StoredDeployment, 'id' | 'statuses'>, states: string[]): StoredDeployment;
  /** Answers each request `pick` returns an answer for with that answer, instead of the stand-in's own. */
  intercept(pick: (request: RecordedRequest) => CannedAnswer | undefined): void;
  close(): Promise<void>;
}

const SHA = /^[0-9a-f]{40}$/;

/**
 * A loopback stand-in for the part of GitHub's REST API that deployment-status uses: deployments and their
 * statuses, kept in memory, with GitHub's answer shapes (201 on create, lists newest first, 401 for a wrong
 * token, 404 for an unknown deployment). Every request is recorded so that tests assert exactly what the
 * action sent. It listens on 127.0.0.1 only.
 */
export async function startGitHubApiStandIn(options: {
  token: string;
  repository: string;
}): Promise<GitHubApiStandIn> {
  const requests: RecordedRequest[] = [];
  const deployments: StoredDeployment[] = [];
  const interceptors: ((request: RecordedRequest) => CannedAnswer | undefined)[] = [];
  let nextId = 1000;
  const base = `/repos/${options.repository}/deployments`;

  const answer = (request: RecordedRequest): CannedAnswer => {
    for (const pick of interceptors) {
      const canned = pick(request);
      if (canned) return canned;
    }
    if (request.authorization !== `token ${options.token}`) {
      return { status: 401, body: { message: 'Bad credentials' } };
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
      return { status: 201, body: publicView(deployment) };
    }
    if (request.path === base && request.method === 'GET') {
      const found = deployments
        .filter((d) => request.query.environment === undefined || d.environment === request.query.environment)
        .reverse()
        .slice(0, Number(request.query.per_page ?? 30));
      return { status: 200, body: found.map(publicView) };
    }
    const deployment = find(id);
    if (id === undefined || !deployment) return { status: 404, body: { message: 'Not Found' } };
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
    return { status: 404, body: { message: 'Not Found' } };
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
      const { status, body } = answer(request);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    deployments,
    seedDeployment(deployment, states) {
      const stored: StoredDeployment = {
        ...deployment,
        id: nextId++,
        statuses: states.map((state) => ({ id: nextId++, state })),
      };
      deployments.push(stored);
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

function publicView(deployment: StoredDeployment) {
  const { statuses: _statuses, ...rest } = deployment;
  return { ...rest, task: 'deploy', url: `deployments/${deployment.id}` };
}
