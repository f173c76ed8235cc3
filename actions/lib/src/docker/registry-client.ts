/**
 * Reads manifests over the registry HTTP API (OCI distribution spec), so that the digest the action
 * reports is the one the registry serves, not one computed or guessed locally. Handles both ways
 * registries ask for credentials: Basic (ECR, docker-registry with htpasswd) and Bearer tokens (Docker Hub,
 * GHCR).
 */
import { type ImageRepository, registryApiBase } from './image-ref.js';

export interface RegistryCredentials {
  username: string;
  password: string;
}

/** Every manifest type a push can produce; without them a registry may convert or refuse. */
export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];

export class RegistryApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RegistryApiError';
  }
}

export type Fetch = typeof fetch;

function basicAuth(credentials: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

/** Parses `Bearer realm="…",service="…",scope="…"` into its parameters. */
export function parseAuthenticateHeader(header: string): { scheme: string; params: Record<string, string> } {
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const params: Record<string, string> = {};
  for (const match of header.slice(space + 1).matchAll(/([a-zA-Z_]+)="([^"]*)"/g)) {
    params[(match[1] as string).toLowerCase()] = match[2] as string;
  }
  return { scheme, params };
}

/** What the token service or registry said about a refusal, briefly (both answer JSON or text). */
async function refusalDetail(response: Response): Promise<string> {
  const text = (await response.text().catch(() => '')).trim();
  let detail = text;
  try {
    const body = JSON.parse(text) as { details?: unknown; errors?: { message?: unknown }[] };
    const said = body.errors?.[0]?.message ?? body.details;
    if (typeof said === 'string') detail = said;
  } catch {
    // Not JSON: the text itself.
  }
  detail = detail.replace(/\s+/g, ' ').slice(0, 200);
  return detail === '' ? `HTTP ${response.status}` : `HTTP ${response.status}: ${detail}`;
}

interface Authorization {
  header: string;
  /** The scope a Bearer token was asked for; absent for Basic. */
  scope?: string;
}

export class RegistryClient {
  constructor(
    private readonly credentials: RegistryCredentials | undefined,
    private readonly fetchImpl: Fetch = fetch,
  ) {}

  private who(): string {
    return this.credentials === undefined ? 'anonymous access' : `user '${this.credentials.username}'`;
  }

  private async authorization(challenge: string | null, repository: string): Promise<Authorization> {
    if (challenge === null)
      throw new RegistryApiError('the registry answered 401 without a WWW-Authenticate header', 401);
    const { scheme, params } = parseAuthenticateHeader(challenge);
    if (scheme === 'basic') {
      if (this.credentials === undefined)
        throw new RegistryApiError('the registry asks for credentials and none were given', 401);
      return { header: basicAuth(this.credentials) };
    }
    if (scheme !== 'bearer' || params.realm === undefined) {
      throw new RegistryApiError(`unsupported authentication challenge from the registry: ${scheme}`, 401);
    }
    const url = new URL(params.realm);
    // The scope the registry asked for, as it spelled it: a token for another scope would not open it.
    const scope = params.scope ?? `repository:${repository}:pull`;
    if (params.service !== undefined) url.searchParams.set('service', params.service);
    url.searchParams.set('scope', scope);
    const response = await this.fetchImpl(url, {
      headers: this.credentials === undefined ? {} : { authorization: basicAuth(this.credentials) },
    });
    if (response.status === 401 || response.status === 403) {
      const refused =
        this.credentials === undefined
          ? 'refused anonymous access'
          : `refused the credentials of user '${this.credentials.username}'`;
      throw new RegistryApiError(
        `the token service ${url.origin} ${refused} (${await refusalDetail(response)}): ` +
          (this.credentials === undefined
            ? 'give registry credentials'
            : 'check the registry username and password'),
        response.status,
      );
    }
    if (!response.ok)
      throw new RegistryApiError(
        `the token service ${url.origin} answered ${await refusalDetail(response)}`,
        response.status,
      );
    const body = (await response.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (typeof token !== 'string')
      throw new RegistryApiError(`the token service ${url.origin} returned no token`);
    return { header: `Bearer ${token}`, scope };
  }

  /** GET or HEAD on the API with one round of authentication when the registry asks for it. */
  private async request(image: ImageRepository, path: string, method: 'GET' | 'HEAD'): Promise<Response> {
    const url = `${registryApiBase(image.registry)}/v2/${image.repository}/${path}`;
    const headers: Record<string, string> = { accept: MANIFEST_MEDIA_TYPES.join(', ') };
    let response = await this.fetchImpl(url, { method, headers });
    if (response.status !== 401) return response;
    const auth = await this.authorization(response.headers.get('www-authenticate'), image.repository);
    headers.authorization = auth.header;
    response = await this.fetchImpl(url, { method, headers });
    if (response.status === 401 || response.status === 403) {
      // A HEAD answer has no body: the status and what was asked for are all there is to say.
      const refused =
        auth.scope === undefined
          ? `refused the credentials of ${this.who()} (HTTP ${response.status})`
          : `refused the token for ${auth.scope} (HTTP ${response.status}): ${this.who()} may not pull ${image.repository}`;
      throw new RegistryApiError(`the registry ${image.registry} ${refused}`, response.status);
    }
    return response;
  }

  /** The digest of the manifest a tag points at, as the registry reports it; undefined when absent. */
  async manifestDigest(image: ImageRepository, tag: string): Promise<string | undefined> {
    const response = await this.request(image, `manifests/${encodeURIComponent(tag)}`, 'HEAD');
    if (response.status === 404) return undefined;
    if (!response.ok) {
      throw new RegistryApiError(
        `reading ${image.registry}/${image.repository}:${tag} answered ${response.status}`,
        response.status,
      );
    }
    const digest = response.headers.get('docker-content-digest');
    if (digest === null || !/^sha256:[0-9a-f]{64}$/.test(digest)) {
      throw new RegistryApiError(
        `${image.registry} gave no Docker-Content-Digest for ${image.repository}:${tag}`,
      );
    }
    return digest;
  }
}
