import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isOurProcess, run, startDaemonLogging, stopProcess, waitFor } from './exec.js';
import { sandboxSubdir } from './paths.js';
import { freeLoopbackPort, loopback, portAnswers } from './ports.js';
import { randomSecret, writePrivateFile } from './private-files.js';
import type { RegistryRecord, Starter } from './state.js';

export interface RegistryCredentials {
  username: string;
  password: string;
  /** host:port, the prefix of image references pushed to this registry. */
  registry: string;
}

const username = 'k8s-ship';

/** The password is generated once per sandbox and kept, so logins survive a restart of the registry. */
function loadOrCreateCredentials(file: string, address: string): RegistryCredentials {
  const password = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as RegistryCredentials).password
    : randomSecret();
  const credentials = { username, password, registry: address };
  writePrivateFile(file, `${JSON.stringify(credentials, null, 2)}\n`);
  return credentials;
}

export function readRegistryCredentials(record: RegistryRecord): RegistryCredentials {
  return JSON.parse(readFileSync(record.credentialsFile, 'utf8')) as RegistryCredentials;
}

function registryConfig(port: number, storage: string, htpasswd: string): string {
  // JSON is valid YAML, and JSON.stringify quotes every path safely.
  return `${JSON.stringify(
    {
      version: 0.1,
      log: { level: 'info', accesslog: { disabled: true } },
      storage: { filesystem: { rootdirectory: storage }, delete: { enabled: true } },
      http: { addr: `${loopback}:${port}`, secret: randomSecret() },
      auth: { htpasswd: { realm: 'k8s-ship-sandbox', path: htpasswd } },
    },
    null,
    2,
  )}\n`;
}

/** The registry answers and demands credentials: only then is it really the one we configured. */
async function asksForCredentials(port: number): Promise<boolean> {
  const response = await fetch(`http://${loopback}:${port}/v2/`);
  return response.status === 401 && (response.headers.get('www-authenticate') ?? '').startsWith('Basic');
}

export function registryIsHealthy(record: RegistryRecord): Promise<boolean> {
  if (!isOurProcess(record.pid, record.configFile)) return Promise.resolve(false);
  return portAnswers(record.port);
}

/**
 * Starts Debian's CNCF distribution registry on 127.0.0.1 with bcrypt htpasswd auth and its storage under
 * the state directory.
 */
export async function startRegistry(
  previous: RegistryRecord | undefined,
  startedBy: Starter,
): Promise<RegistryRecord> {
  const dir = sandboxSubdir('registry');
  const storage = join(dir, 'storage');
  mkdirSync(storage, { recursive: true });
  const port = await freeLoopbackPort(previous?.port);
  const credentialsFile = join(dir, 'credentials.json');
  const credentials = loadOrCreateCredentials(credentialsFile, `${loopback}:${port}`);

  const htpasswd = join(dir, 'htpasswd');
  // -i: the password comes on stdin, never on argv where `ps` would show it.
  await run('htpasswd', ['-B', '-i', '-c', htpasswd, credentials.username], { input: credentials.password });

  const configFile = join(dir, 'config.yml');
  writePrivateFile(configFile, registryConfig(port, storage, htpasswd));
  const pid = startDaemonLogging('docker-registry', ['serve', configFile], join(dir, 'registry.log'));
  await waitFor(
    `the registry on ${loopback}:${port} (log: ${join(dir, 'registry.log')})`,
    () => asksForCredentials(port),
    30_000,
    pid,
  );
  return { pid, port, configFile, credentialsFile, username: credentials.username, startedBy };
}

export async function stopRegistry(record: RegistryRecord): Promise<void> {
  if (isOurProcess(record.pid, record.configFile)) await stopProcess(record.pid);
}
