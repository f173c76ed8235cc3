import packageJson from '../../package.json' with { type: 'json' };

export const ENVIRONMENTS = ['dev', 'stage', 'prod', 'preview'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LatencyTarget {
  host: string;
  port: number;
}

export interface ServiceConfig {
  port: number;
  appName: string;
  appVersion: string;
  environment: Environment;
  gitRevision?: string;
  imageRef?: string;
  diskPath: string;
  latencyTargets: LatencyTarget[];
  latencyIntervalSeconds: number;
  latencyTimeoutMs: number;
  shutdownGraceSeconds: number;
  logLevel: LogLevel;
}

/** A setting the operator got wrong: the message names the variable, the value and what was expected. */
export class ConfigError extends Error {
  constructor(variable: string, value: string, expected: string) {
    super(`Invalid ${variable}='${value}': expected ${expected}.`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Empty strings count as unset, as they do for a Kubernetes env entry with an empty value. */
function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, raw, `a whole number from ${min} to ${max}`);
  }
  return Number(raw);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw))
    throw new ConfigError(name, raw, `one of ${allowed.join(', ')}`);
  return raw as T;
}

// A DNS name or an IPv4 address; IPv6 literals would need brackets and are not used by the targets we probe.
const HOST =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export function parseLatencyTargets(raw: string | undefined): LatencyTarget[] {
  if (raw === undefined || raw.trim() === '') return [];
  const targets = raw.split(',').map((entry) => {
    const item = entry.trim();
    const match = /^(.+):(\d{1,5})$/.exec(item);
    const port = Number(match?.[2]);
    if (!match || !HOST.test(match[1]!) || port < 1 || port > 65535) {
      throw new ConfigError(
        'LATENCY_TARGETS',
        raw,
        `a comma-separated list of host:port (bad entry '${item}')`,
      );
    }
    return { host: match[1]!, port };
  });
  const keys = targets.map((t) => `${t.host}:${t.port}`);
  const duplicate = keys.find((key, i) => keys.indexOf(key) !== i);
  if (duplicate)
    throw new ConfigError('LATENCY_TARGETS', raw, `each host:port once ('${duplicate}' repeats)`);
  return targets;
}

/** Reads and validates every setting at start-up, so a bad value stops the process before it serves. */
export function loadConfig(env: Env): ServiceConfig {
  const appName = optional(env, 'APP_NAME') ?? 'k8s-cluster-performance-stack';
  if (!/^[\w.-]{1,63}$/.test(appName)) {
    throw new ConfigError('APP_NAME', appName, '1 to 63 letters, digits, dots, dashes or underscores');
  }
  const appVersion = optional(env, 'APP_VERSION') ?? packageJson.version;
  if (!/^[\w.+-]{1,128}$/.test(appVersion)) {
    throw new ConfigError('APP_VERSION', appVersion, 'a version such as 1.2.3 (letters, digits, . + - _)');
  }
  const gitRevision = optional(env, 'GIT_REVISION');
  if (gitRevision !== undefined && !/^[0-9a-fA-F]{7,64}$/.test(gitRevision)) {
    throw new ConfigError('GIT_REVISION', gitRevision, 'a git commit id of 7 to 64 hex digits');
  }
  const imageRef = optional(env, 'IMAGE_REF');
  if (imageRef !== undefined && !/^[\w./:@-]{1,512}$/.test(imageRef)) {
    throw new ConfigError(
      'IMAGE_REF',
      imageRef,
      'an image reference such as registry/repo:tag or repo@sha256:…',
    );
  }
  const diskPath = optional(env, 'DISK_PATH') ?? '/';
  if (!diskPath.startsWith('/')) throw new ConfigError('DISK_PATH', diskPath, 'an absolute path');

  return {
    port: integer(env, 'PORT', 8000, 1, 65535),
    appName,
    appVersion,
    environment: oneOf(env, 'APP_ENVIRONMENT', ENVIRONMENTS, 'dev'),
    gitRevision,
    imageRef,
    diskPath,
    latencyTargets: parseLatencyTargets(env.LATENCY_TARGETS),
    latencyIntervalSeconds: integer(env, 'LATENCY_INTERVAL_SECONDS', 30, 1, 3600),
    latencyTimeoutMs: integer(env, 'LATENCY_TIMEOUT_MS', 2000, 1, 60_000),
    shutdownGraceSeconds: integer(env, 'SHUTDOWN_GRACE_SECONDS', 20, 1, 600),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
  };
}
