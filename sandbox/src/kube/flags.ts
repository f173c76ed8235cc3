/** The command line of the Kubernetes API sandbox, validated: bad flags are named with the value and what was expected. */
export interface KubeFlags {
  port: number;
  stateDir: string;
  dockerHost: string;
  /** First crash-loop back-off in ms (kubelet: 10 s). Tests shorten it so that CrashLoopBackOff shows fast. */
  backoffMs: number;
  /** Longest back-off in ms (kubelet: 300 s). */
  maxBackoffMs: number;
}

export const usage =
  'usage: main.ts --port PORT --state-dir DIR --docker-host HOST [--backoff-ms MS] [--max-backoff-ms MS]';

function integer(flag: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new Error(`${flag} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

export function parseFlags(argv: readonly string[]): KubeFlags {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    if (!['--port', '--state-dir', '--docker-host', '--backoff-ms', '--max-backoff-ms'].includes(flag)) {
      throw new Error(`unknown flag "${flag}"; ${usage}`);
    }
    if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value; ${usage}`);
    values.set(flag, value);
  }
  for (const required of ['--port', '--state-dir', '--docker-host']) {
    if (!values.has(required)) throw new Error(`missing ${required}; ${usage}`);
  }
  const dockerHost = values.get('--docker-host')!;
  if (!/^(unix:\/\/\/.+|tcp:\/\/127\.0\.0\.1:\d+)$/.test(dockerHost)) {
    throw new Error(`--docker-host must be unix:///PATH or tcp://127.0.0.1:PORT, got "${dockerHost}"`);
  }
  const backoffMs = integer('--backoff-ms', values.get('--backoff-ms') ?? '10000', 100, 600_000);
  const maxBackoffMs = integer(
    '--max-backoff-ms',
    values.get('--max-backoff-ms') ?? '300000',
    backoffMs,
    3_600_000,
  );
  return {
    port: integer('--port', values.get('--port')!, 0, 65535),
    stateDir: values.get('--state-dir')!,
    dockerHost,
    backoffMs,
    maxBackoffMs,
  };
}
