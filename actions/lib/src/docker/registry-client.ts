/**
 * Reads and writes over the registry HTTP API (OCI distribution spec): the digest the actions report is the
 * one the registry serves, not one computed or guessed locally, and a manifest is put under a tag byte for
 * byte, so the tag names exactly the digest that was scanned. Handles both ways registries ask for
 * credentials: Basic (ECR, docker-registry with htpasswd) and Bearer tokens (Docker Hub, GHCR), keeping one
 * token per repository and access so that a push asks the token service once, not once per request.
 */
import { createHash } from 'node:crypto';
import { DOCKER_TAG, type ImageRepository, registryApiBase, SHA256_DIGEST } from './image-ref.js';

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

export interface RegistryApiErrorDetails {
  /** The registry's own error code (`DIGEST_INVALID`, `TAG_INVALID`, `MANIFEST_BLOB_UNKNOWN`, …). */
  code?: string;
  /** What made the request fail before any answer (the network error, with its `code`). */
  cause?: unknown;
}

export class RegistryApiError extends Error {
  /** The registry's own error code, when it gave one. */
  readonly code?: string;

  constructor(
    message: string,
    readonly status?: number,
    details: RegistryApiErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'RegistryApiError';
    this.code = details.code;
  }
}

const TRANSIENT_NETWORK_CODE = /^(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|EAI_AGAIN|UND_ERR_)/;

/**
 * Failures worth another try: the registry or token service busy or failing (5xx, 429, 408), or the
 * network; not a refusal or a missing thing.
 */
export function isTransientRegistryError(error: unknown): boolean {
  const status = (error as { status?: unknown } | undefined)?.status;
  if (typeof status === 'number') return status >= 500 || status === 429 || status === 408;
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof code === 'string' && TRANSIENT_NETWORK_CODE.test(code);
}

export type Fetch = typeof fetch;

/** A tag as the distribution spec allows it in a URL. */
const DIGEST = /^(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/;

const isDigest = (reference: string) => DIGEST.test(reference);

/** `registry/repository:tag` or `registry/repository@sha256:…`, for messages. */
function describeReference(image: ImageRepository, reference: string): string {
  return `${image.registry}/${image.repository}${isDigest(reference) ? '@' : ':'}${reference}`;
}

function checkReference(image: ImageRepository, reference: string): void {
  if (!DOCKER_TAG.test(reference) && !isDigest(reference)) {
    throw new RegistryApiError(
      `'${reference}' is neither a tag nor a sha256 digest, so it names nothing in ${image.registry}/${image.repository}`,
    );
  }
}

function checkDigest(image: ImageRepository, digest: string): void {
  if (!isDigest(digest)) {
    throw new RegistryApiError(
      `'${digest}' is not a sha256 digest, so it names no blob in ${image.registry}/${image.repository}`,
    );
  }
}

/** The digest of `body` with the algorithm `like` names (sha256 unless it is sha512). */
function digestOf(body: Buffer, like = 'sha256:'): string {
  const algorithm = like.startsWith('sha512:') ? 'sha512' : 'sha256';
  return `${algorithm}:${createHash(algorithm).update(body).digest('hex')}`;
}

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

/** What the token service or registry said about a refusal: its JSON `errors`/`details`, or its text. */
async function refusal(response: Response): Promise<{ detail: string; code?: string }> {
  const text = (await response.text().catch(() => '')).trim();
  let said = text;
  let code: string | undefined;
  try {
    const body = JSON.parse(text) as { details?: unknown; errors?: { code?: unknown; message?: unknown }[] };
    const first = body.errors?.[0];
    if (typeof first?.code === 'string') code = first.code;
    const message = first?.message ?? body.details;
    if (typeof message === 'string' && message.trim() !== '') said = message;
    else if (code !== undefined) said = code;
  } catch {
    // Not JSON: the text itself.
  }
  said = said.replace(/\s+/g, ' ').slice(0, 300);
  return { detail: said === '' ? `HTTP ${response.status}` : `HTTP ${response.status}: ${said}`, code };
}

/** `HTTP 503: message`, for the token service's answers. */
async function refusalDetail(response: Response): Promise<string> {
  return (await refusal(response)).detail;
}

/** A RegistryApiError for an answer the caller did not expect, with the registry's own words. */
async function unexpected(response: Response, what: string): Promise<RegistryApiError> {
  const { detail, code } = await refusal(response);
  return new RegistryApiError(`${what} answered ${detail}`, response.status, { code });
}

/** Lets go of an answer whose body nobody reads, so its connection goes back to the pool. */
async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

type Action = 'pull' | 'push';

interface Authorization {
  header: string;
  /** The scope a Bearer token was asked for; absent for Basic. */
  scope?: string;
}

/** A token asked for (or being asked for) and the actions on its repository it was asked for. */
interface CachedToken {
  actions: ReadonlySet<string>;
  authorization: Promise<Authorization>;
}

/** The actions a `repository:NAME:a,b` scope grants on `repository` (order and spelling as given). */
function scopeActions(scope: string | undefined, repository: string): string[] {
  for (const part of (scope ?? '').split(' ')) {
    const last = part.lastIndexOf(':');
    if (part.startsWith('repository:') && part.slice('repository:'.length, last) === repository) {
      return part
        .slice(last + 1)
        .split(',')
        .filter(Boolean);
    }
  }
  return [];
}

interface RequestOptions {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST';
  /** What the request needs on the repository: pull for reads, pull and push for writes. */
  needs: readonly Action[];
  accept?: string;
  contentType?: string;
  body?: Buffer;
  /** `manual` leaves a redirect to the caller (a blob the registry serves from elsewhere). */
  redirect?: 'follow' | 'manual';
  /** What the request does, for a network error: `reading the manifest …`. */
  what: string;
}

export class RegistryClient {
  /** Bearer tokens by `registry/repository`, each with the actions it was asked for. */
  private readonly tokens = new Map<string, CachedToken[]>();
  /** Registries that asked for Basic credentials: they are sent with every later request. */
  private readonly basicRegistries = new Set<string>();

  constructor(
    private readonly credentials: RegistryCredentials | undefined,
    private readonly fetchImpl: Fetch = fetch,
  ) {}

  private who(): string {
    return this.credentials === undefined ? 'anonymous access' : `user '${this.credentials.username}'`;
  }

  private async fetchToken(url: URL): Promise<string> {
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
    return token;
  }

  /** A token already asked for that opens `needs` on the repository (a push token also pulls). */
  private cachedToken(image: ImageRepository, needs: readonly Action[]): Promise<Authorization> | undefined {
    return this.tokens
      .get(`${image.registry}/${image.repository}`)
      ?.find((entry) => needs.every((action) => entry.actions.has(action)))?.authorization;
  }

  /** The authorization to send before the registry asks: Basic once it asked for it, else a cached token. */
  private async knownAuthorization(
    image: ImageRepository,
    needs: readonly Action[],
  ): Promise<Authorization | undefined> {
    if (this.basicRegistries.has(image.registry) && this.credentials !== undefined)
      return { header: basicAuth(this.credentials) };
    return this.cachedToken(image, needs)?.catch(() => undefined);
  }

  private async authorization(
    challenge: string | null,
    image: ImageRepository,
    needs: readonly Action[],
    stale: Authorization | undefined,
  ): Promise<Authorization> {
    if (challenge === null)
      throw new RegistryApiError('the registry answered 401 without a WWW-Authenticate header', 401);
    const { scheme, params } = parseAuthenticateHeader(challenge);
    if (scheme === 'basic') {
      if (this.credentials === undefined)
        throw new RegistryApiError('the registry asks for credentials and none were given', 401);
      this.basicRegistries.add(image.registry);
      return { header: basicAuth(this.credentials) };
    }
    if (scheme !== 'bearer' || params.realm === undefined) {
      throw new RegistryApiError(`unsupported authentication challenge from the registry: ${scheme}`, 401);
    }
    // The scope as the registry spelled it when it covers what the request needs (a token for another
    // scope would not open it); else the actions it named and the ones needed, in that order.
    const asked = scopeActions(params.scope, image.repository);
    const actions = [...asked, ...needs.filter((action) => !asked.includes(action))];
    const scope =
      params.scope !== undefined && actions.length === asked.length
        ? params.scope
        : `repository:${image.repository}:${actions.join(',')}`;

    // A request that ran with the same token meanwhile may have fetched its successor: share it.
    const cached = this.cachedToken(image, needs);
    if (cached !== undefined) {
      const current = await cached.catch(() => undefined);
      if (current !== undefined && current.header !== stale?.header) return current;
    }
    const url = new URL(params.realm);
    if (params.service !== undefined) url.searchParams.set('service', params.service);
    url.searchParams.set('scope', scope);
    const key = `${image.registry}/${image.repository}`;
    const entry: CachedToken = {
      actions: new Set(actions),
      authorization: this.fetchToken(url).then((token) => ({ header: `Bearer ${token}`, scope })),
    };
    // The new token replaces the ones whose actions it covers; a failed fetch is forgotten, so that a
    // later call asks again.
    const kept = (this.tokens.get(key) ?? []).filter(
      (held) => ![...held.actions].every((action) => entry.actions.has(action)),
    );
    this.tokens.set(key, [...kept, entry]);
    entry.authorization.catch(() => {
      this.tokens.set(
        key,
        (this.tokens.get(key) ?? []).filter((held) => held !== entry),
      );
    });
    return entry.authorization;
  }

  private async send(
    url: string,
    options: RequestOptions,
    auth: Authorization | undefined,
  ): Promise<Response> {
    const headers: Record<string, string> = {};
    if (options.accept !== undefined) headers.accept = options.accept;
    if (options.contentType !== undefined) headers['content-type'] = options.contentType;
    if (auth !== undefined) headers.authorization = auth.header;
    // A view of the Buffer, not a copy: layers can be large. (Buffers live on plain ArrayBuffers.)
    const body =
      options.body === undefined
        ? undefined
        : new Uint8Array(
            options.body.buffer as ArrayBuffer,
            options.body.byteOffset,
            options.body.byteLength,
          );
    try {
      return await this.fetchImpl(url, {
        method: options.method,
        headers,
        body,
        redirect: options.redirect ?? 'follow',
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
      const reason =
        typeof cause?.code === 'string'
          ? `${cause.code}${typeof cause.message === 'string' ? ` ${cause.message}` : ''}`
          : (error as Error).message;
      throw new RegistryApiError(
        `${options.what}: could not reach ${new URL(url).host} (${reason})`,
        undefined,
        {
          cause: cause ?? error,
        },
      );
    }
  }

  /**
   * One request on the API (`path` under the repository, or an absolute URL such as an upload's Location),
   * with the credentials the registry asked for before, and one round of authentication when it asks now.
   */
  private async request(
    image: ImageRepository,
    path: string | URL,
    options: RequestOptions,
  ): Promise<Response> {
    const base = registryApiBase(image.registry);
    const url = typeof path === 'string' ? `${base}/v2/${image.repository}/${path}` : path.href;
    // Credentials go to the registry's own origin only, never to a host an upload URL points elsewhere.
    const ownOrigin = new URL(url).origin === new URL(base).origin;
    const known = ownOrigin ? await this.knownAuthorization(image, options.needs) : undefined;
    let response = await this.send(url, options, known);
    if (response.status !== 401 || !ownOrigin) return response;
    const challenge = response.headers.get('www-authenticate');
    await discard(response);
    if (known !== undefined && known.scope === undefined)
      throw await this.refused(image, options, response, known);
    const auth = await this.authorization(challenge, image, options.needs, known);
    response = await this.send(url, options, auth);
    if (response.status === 401 || response.status === 403)
      throw await this.refused(image, options, response, auth);
    return response;
  }

  private async refused(
    image: ImageRepository,
    options: RequestOptions,
    response: Response,
    auth: Authorization,
  ): Promise<RegistryApiError> {
    // A HEAD answer has no body: the status and what was asked for are all there is to say.
    const { detail, code } =
      options.method === 'HEAD'
        ? { detail: `HTTP ${response.status}`, code: undefined }
        : await refusal(response);
    const may = options.needs.includes('push') ? 'push to' : 'pull';
    const refused =
      auth.scope === undefined
        ? `refused the credentials of ${this.who()} (${detail})`
        : `refused the token for ${auth.scope} (${detail}): ${this.who()} may not ${may} ${image.repository}`;
    return new RegistryApiError(`the registry ${image.registry} ${refused}`, response.status, { code });
  }

  /** The digest of the manifest a tag points at, as the registry reports it; undefined when absent. */
  async manifestDigest(image: ImageRepository, tag: string): Promise<string | undefined> {
    checkReference(image, tag);
    const name = describeReference(image, tag);
    const response = await this.request(image, `manifests/${tag}`, {
      method: 'HEAD',
      needs: ['pull'],
      accept: MANIFEST_MEDIA_TYPES.join(', '),
      what: `reading ${name}`,
    });
    if (response.status === 404) return undefined;
    if (!response.ok) {
      throw new RegistryApiError(`reading ${name} answered ${response.status}`, response.status);
    }
    const digest = response.headers.get('docker-content-digest');
    if (digest === null || !SHA256_DIGEST.test(digest)) {
      throw new RegistryApiError(
        `${image.registry} gave no Docker-Content-Digest for ${image.repository}:${tag}`,
      );
    }
    return digest;
  }

  /** The manifest a tag or digest names, as raw bytes; undefined when the registry has none. */
  async manifest(
    image: ImageRepository,
    reference: string,
  ): Promise<{ digest: string; mediaType: string; body: Buffer } | undefined> {
    checkReference(image, reference);
    const name = describeReference(image, reference);
    const response = await this.request(image, `manifests/${reference}`, {
      method: 'GET',
      needs: ['pull'],
      accept: MANIFEST_MEDIA_TYPES.join(', '),
      what: `reading the manifest ${name}`,
    });
    if (response.status === 404) {
      await discard(response);
      return undefined;
    }
    if (!response.ok) throw await unexpected(response, `reading the manifest ${name}`);
    const body = Buffer.from(await response.arrayBuffer());
    const reported = response.headers.get('docker-content-digest') ?? undefined;
    // The bytes are what gets tagged later: they must be the ones the digest names, whatever a proxy did.
    const expected = isDigest(reference) ? reference : reported;
    const actual = digestOf(body, expected);
    if (expected !== undefined && actual !== expected) {
      throw new RegistryApiError(
        `the registry ${image.registry} served a manifest for ${name} whose digest is ${actual}, ` +
          `not ${expected}${expected === reported ? ' as it reported' : ''}`,
      );
    }
    // The manifest's own mediaType field first: a PUT whose Content-Type differs from it is refused.
    const mediaType =
      mediaTypeIn(body) ?? (response.headers.get('content-type')?.split(';')[0]?.trim() || undefined);
    if (mediaType === undefined) {
      throw new RegistryApiError(`the registry ${image.registry} served ${name} without a media type`);
    }
    return { digest: actual, mediaType, body };
  }

  /** PUT a manifest under a tag or digest; returns the digest the registry reports (Docker-Content-Digest). */
  async putManifest(
    image: ImageRepository,
    reference: string,
    mediaType: string,
    body: Buffer,
  ): Promise<string> {
    checkReference(image, reference);
    const name = describeReference(image, reference);
    const what = `putting the manifest ${name}`;
    const response = await this.request(image, `manifests/${reference}`, {
      method: 'PUT',
      needs: ['pull', 'push'],
      contentType: mediaType,
      body,
      what,
    });
    if (!response.ok) throw await unexpected(response, what);
    await discard(response);
    const digest = response.headers.get('docker-content-digest');
    // The spec has the registry report it; one that does not stored the bytes as sent.
    if (digest === null) return digestOf(body);
    if (!isDigest(digest))
      throw new RegistryApiError(`${what}: the registry reported '${digest}', which is not a digest`);
    return digest;
  }

  /** Whether the repository holds this blob (HEAD /blobs/<digest>). */
  async hasBlob(image: ImageRepository, digest: string): Promise<boolean> {
    checkDigest(image, digest);
    const what = `checking blob ${digest} in ${image.registry}/${image.repository}`;
    const response = await this.request(image, `blobs/${digest}`, {
      method: 'HEAD',
      needs: ['pull'],
      // A registry that serves blobs from storage elsewhere redirects: it has the blob. Following the
      // redirect would HEAD a URL signed for GET, which the storage refuses.
      redirect: 'manual',
      what,
    });
    await discard(response);
    if (response.status === 404) return false;
    if (response.ok || (response.status >= 300 && response.status < 400)) return true;
    throw new RegistryApiError(`${what} answered HTTP ${response.status}`, response.status);
  }

  /** Uploads one blob (POST /blobs/uploads/ then PUT ?digest=, monolithic); the registry checks the digest. */
  async uploadBlob(image: ImageRepository, digest: string, body: Buffer): Promise<void> {
    checkDigest(image, digest);
    const what = `uploading blob ${digest} to ${image.registry}/${image.repository}`;
    const started = await this.request(image, 'blobs/uploads/', {
      method: 'POST',
      needs: ['pull', 'push'],
      what,
    });
    if (started.status !== 202) throw await unexpected(started, `${what}: starting the upload`);
    await discard(started);
    const location = started.headers.get('location');
    if (location === null) throw new RegistryApiError(`${what}: the registry gave no upload Location`);
    // Relative or absolute, and it may carry its own query (an upload state): the digest is added to it.
    const upload = new URL(
      location,
      `${registryApiBase(image.registry)}/v2/${image.repository}/blobs/uploads/`,
    );
    upload.searchParams.append('digest', digest);
    const put = await this.request(image, upload, {
      method: 'PUT',
      needs: ['pull', 'push'],
      contentType: 'application/octet-stream',
      body,
      what,
    });
    if (put.status !== 201 && put.status !== 204) throw await unexpected(put, what);
    await discard(put);
  }

  /** The repository's tags (GET /tags/list, following Link pagination); none for a repository it does not know. */
  async tags(image: ImageRepository): Promise<string[]> {
    const what = `listing the tags of ${image.registry}/${image.repository}`;
    const tags: string[] = [];
    const seen = new Set<string>();
    let next: string | URL = 'tags/list';
    for (;;) {
      const response = await this.request(image, next, {
        method: 'GET',
        needs: ['pull'],
        accept: 'application/json',
        what,
      });
      if (response.status === 404 && tags.length === 0) {
        await discard(response);
        return [];
      }
      if (!response.ok) throw await unexpected(response, what);
      const page = (await response.json()) as { tags?: unknown };
      if (Array.isArray(page.tags)) tags.push(...page.tags.filter((tag) => typeof tag === 'string'));
      const link = nextLink(response.headers.get('link'));
      if (link === undefined) return tags;
      const url = new URL(link, registryApiBase(image.registry));
      // A registry that links a page it already gave would keep this loop going for ever.
      if (seen.has(url.href)) return tags;
      seen.add(url.href);
      next = url;
    }
  }
}

/** The `mediaType` field a manifest names itself with (Docker v2 and OCI manifests both carry it). */
function mediaTypeIn(body: Buffer): string | undefined {
  try {
    const mediaType = (JSON.parse(body.toString('utf8')) as { mediaType?: unknown }).mediaType;
    return typeof mediaType === 'string' ? mediaType : undefined;
  } catch {
    return undefined;
  }
}

/** The target of `rel="next"` in a Link header: `</v2/…/tags/list?last=x&n=100>; rel="next"`. */
export function nextLink(header: string | null): string | undefined {
  for (const part of (header ?? '').split(',')) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (match && /(^|;)\s*rel="?next"?\s*(;|$)/i.test(match[2] as string)) return match[1];
  }
  return undefined;
}
