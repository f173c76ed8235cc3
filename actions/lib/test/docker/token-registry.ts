/*
 * Debian's docker-registry (CNCF distribution 2.8) in `auth: token` mode on 127.0.0.1, with a small token
 * server beside it: the same Bearer flow as Docker Hub and GHCR. The registry answers 401 with
 * `WWW-Authenticate: Bearer realm=…,service=…,scope=…`; the token server checks Basic credentials and
 * issues an ES256 JWT whose x5c certificate is the one in the registry's `rootcertbundle`.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  createHash,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
  X509Certificate,
} from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const loopback = '127.0.0.1';
export const TOKEN_SERVICE = 'k8s-ship-test-registry';
const ISSUER = 'k8s-ship-test-token-server';

/** A user of the token server and the repositories (exact names) it may pull from and push to. */
export interface TokenUser {
  password: string;
  repositories: readonly string[];
}

/** One request the token server answered, as it saw it. */
export interface TokenRequest {
  /** The Basic user, or undefined for an anonymous request. */
  user: string | undefined;
  service: string | null;
  scopes: string[];
  status: number;
}

export interface TokenRegistry {
  /** host:port, the registry part of image references. */
  address: string;
  url: string;
  /** The token service's URL, as the registry's challenge names it. */
  realm: string;
  tokenRequests: TokenRequest[];
  /** A token for `scope` as `user`, fetched the plain way: for the test's own pushes. */
  token(user: string, scope: string): Promise<string>;
  stop(): Promise<void>;
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createTcpServer();
    server.once('error', reject);
    server.listen({ host: loopback, port: 0, exclusive: true }, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A self-signed certificate for the token signing key; openssl because node:crypto cannot issue one. */
function signingCertificate(dir: string): { key: KeyObject; certificate: X509Certificate; certFile: string } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyFile = join(dir, 'token-signing-key.pem');
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const certFile = join(dir, 'token-signing-cert.pem');
  execFileSync('openssl', [
    'req',
    '-x509',
    '-new',
    '-key',
    keyFile,
    '-subj',
    `/CN=${ISSUER}`,
    '-days',
    '1',
    '-out',
    certFile,
  ]);
  return { key: privateKey, certificate: new X509Certificate(readFileSync(certFile)), certFile };
}

/** `repository:NAME:ACTION,ACTION` → the grant this user gets (no actions when it has no access). */
function grant(scope: string, user: TokenUser | undefined) {
  const [type, name, actions] = scope.split(':');
  const allowed = type === 'repository' && name !== undefined && user?.repositories.includes(name);
  return {
    type: type ?? '',
    name: name ?? '',
    actions: allowed ? (actions ?? '').split(',').filter((a) => a === 'pull' || a === 'push') : [],
  };
}

function basicUser(request: IncomingMessage): { user: string; password: string } | undefined {
  const header = request.headers.authorization ?? '';
  if (!header.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return digest(a).equals(digest(b));
}

function tokenServer(
  users: Readonly<Record<string, TokenUser>>,
  key: KeyObject,
  certificate: X509Certificate,
  requests: TokenRequest[],
): Server {
  const jwt = (claims: object) => {
    const header = { typ: 'JWT', alg: 'ES256', x5c: [certificate.raw.toString('base64')] };
    const payload = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    // JWS wants ES256 signatures as r||s, not DER.
    const signature = sign('sha256', Buffer.from(payload), { key, dsaEncoding: 'ieee-p1363' });
    return `${payload}.${base64url(signature)}`;
  };
  const answer = (response: ServerResponse, status: number, body: object) => {
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  return createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', `http://${loopback}`);
    if (url.pathname !== '/token') return answer(response, 404, { details: 'not found' });
    const credentials = basicUser(request);
    const record: TokenRequest = {
      user: credentials?.user,
      service: url.searchParams.get('service'),
      scopes: url.searchParams.getAll('scope'),
      status: 200,
    };
    requests.push(record);
    const user = credentials ? users[credentials.user] : undefined;
    if (!credentials || !user || !sameSecret(user.password, credentials.password)) {
      record.status = 401;
      return answer(response, 401, { details: 'incorrect username or password' });
    }
    if (record.service !== TOKEN_SERVICE) {
      record.status = 400;
      return answer(response, 400, { details: `unknown service ${record.service}` });
    }
    const now = Math.floor(Date.now() / 1000);
    const token = jwt({
      iss: ISSUER,
      sub: credentials.user,
      aud: TOKEN_SERVICE,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomBytes(12).toString('hex'),
      access: record.scopes.map((scope) => grant(scope, user)),
    });
    answer(response, 200, { token, access_token: token, expires_in: 300 });
  });
}

async function waitForBearerChallenge(url: string, registry: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (registry.exitCode !== null) {
      throw new Error(`docker-registry exited with ${registry.exitCode}: ${readFileSync(log, 'utf8')}`);
    }
    const challenge = await fetch(`${url}/v2/`)
      .then((r) => (r.status === 401 ? (r.headers.get('www-authenticate') ?? '') : ''))
      .catch(() => '');
    if (challenge.startsWith('Bearer ')) return;
    if (Date.now() > deadline) {
      throw new Error(
        `docker-registry at ${url} asked for no Bearer token within 20 s: ${readFileSync(log, 'utf8')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Starts the token server and the registry; `stop()` ends both and removes their files. */
export async function startTokenRegistry(users: Readonly<Record<string, TokenUser>>): Promise<TokenRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-ship-token-registry-'));
  const { key, certificate, certFile } = signingCertificate(dir);
  const tokenRequests: TokenRequest[] = [];
  const tokens = tokenServer(users, key, certificate, tokenRequests);
  await new Promise<void>((resolve) => tokens.listen(0, loopback, resolve));
  const realm = `http://${loopback}:${(tokens.address() as AddressInfo).port}/token`;

  const port = await freePort();
  const storage = join(dir, 'storage');
  mkdirSync(storage);
  const config = join(dir, 'config.yml');
  // JSON is valid YAML, and JSON.stringify quotes every path safely.
  writeFileSync(
    config,
    JSON.stringify({
      version: 0.1,
      log: { level: 'warn', accesslog: { disabled: true } },
      storage: { filesystem: { rootdirectory: storage } },
      http: { addr: `${loopback}:${port}`, secret: randomBytes(16).toString('hex') },
      auth: { token: { realm, service: TOKEN_SERVICE, issuer: ISSUER, rootcertbundle: certFile } },
    }),
  );
  const log = join(dir, 'registry.log');
  const logFd = openSync(log, 'a');
  const registry = spawn('docker-registry', ['serve', config], { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const spawnFailed = new Promise<never>((_, reject) =>
    registry.once('error', (error) => reject(new Error(`docker-registry could not start: ${error.message}`))),
  );
  const address = `${loopback}:${port}`;
  const url = `http://${address}`;

  const stop = async () => {
    if (registry.exitCode === null && registry.signalCode === null) {
      const exited = new Promise((resolve) => registry.once('exit', resolve));
      registry.kill('SIGTERM');
      await exited;
    }
    await new Promise((resolve) => tokens.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([waitForBearerChallenge(url, registry, log), spawnFailed]);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    address,
    url,
    realm,
    tokenRequests,
    stop,
    async token(user, scope) {
      const request = new URL(realm);
      request.searchParams.set('service', TOKEN_SERVICE);
      request.searchParams.set('scope', scope);
      const auth = Buffer.from(`${user}:${users[user]?.password ?? ''}`).toString('base64');
      const response = await fetch(request, { headers: { authorization: `Basic ${auth}` } });
      if (!response.ok) throw new Error(`token for ${scope}: HTTP ${response.status}`);
      return ((await response.json()) as { token: string }).token;
    },
  };
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

async function pushBlob(registry: TokenRegistry, repository: string, token: string, blob: Buffer) {
  const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`;
  const authorization = `Bearer ${token}`;
  const start = await fetch(`${registry.url}/v2/${repository}/blobs/uploads/`, {
    method: 'POST',
    headers: { authorization },
  });
  if (start.status !== 202) throw new Error(`blob upload of ${repository}: HTTP ${start.status}`);
  const upload = new URL(start.headers.get('location') ?? '', registry.url);
  upload.searchParams.set('digest', digest);
  const put = await fetch(upload, {
    method: 'PUT',
    headers: { authorization, 'content-type': 'application/octet-stream' },
    body: new Uint8Array(blob),
  });
  if (put.status !== 201) throw new Error(`blob ${digest}: HTTP ${put.status}`);
  return { mediaType: 'application/octet-stream', digest, size: blob.length };
}

/**
 * Pushes a one-layer OCI image under `tag` straight over the registry API, with a push token from the
 * token server: independent of the RegistryClient under test. Returns the manifest's digest.
 */
export async function pushTestImage(
  registry: TokenRegistry,
  user: string,
  repository: string,
  tag: string,
): Promise<string> {
  const token = await registry.token(user, `repository:${repository}:pull,push`);
  const config = await pushBlob(registry, repository, token, Buffer.from(JSON.stringify({ tag })));
  const layer = await pushBlob(registry, repository, token, randomBytes(64));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { ...config, mediaType: 'application/vnd.oci.image.config.v1+json' },
      layers: [{ ...layer, mediaType: 'application/vnd.oci.image.layer.v1.tar' }],
    }),
  );
  const response = await fetch(`${registry.url}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': OCI_MANIFEST },
    body: manifest,
  });
  if (response.status !== 201) {
    throw new Error(`manifest ${repository}:${tag}: HTTP ${response.status} ${await response.text()}`);
  }
  return `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
}
