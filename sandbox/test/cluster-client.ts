import { spawn } from 'node:child_process';
import { CommandError, type RunResult, run, sleep } from '../src/exec.js';

// biome-ignore lint/suspicious/noExplicitAny: tests read open-ended Kubernetes JSON
type Json = any;

/** The real kubectl against the sandbox's cluster as its admin, for tests. */
export interface ClusterClient {
  kubeconfig: string;
  kubectl(args: readonly string[], input?: string): Promise<RunResult>;
  /** Runs kubectl expecting it to fail; returns what it printed on stderr. */
  kubectlFails(args: readonly string[], input?: string): Promise<string>;
  json<T = Json>(args: readonly string[]): Promise<T>;
}

export function clusterClient(kubeconfig: string): ClusterClient {
  const env = { ...process.env, KUBECONFIG: kubeconfig };
  const kubectl = (args: readonly string[], input?: string) =>
    run('kubectl', args, { env, input, timeoutMs: 200_000 });
  return {
    kubeconfig,
    kubectl,
    async kubectlFails(args, input) {
      try {
        const result = await kubectl(args, input);
        throw new Error(`kubectl ${args.join(' ')} was expected to fail but printed: ${result.stdout}`);
      } catch (error) {
        if (error instanceof CommandError) return error.stderr;
        throw error;
      }
    },
    async json(args) {
      return JSON.parse((await kubectl([...args, '-o', 'json'])).stdout);
    },
  };
}

/** Polls until `check` accepts what `read` returns; fails with the last value seen. */
export async function eventually<T>(
  what: string,
  read: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (check(last)) return last;
    await sleep(300);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${JSON.stringify(last)}`);
}

/** A `kubectl … --watch` in the background: every line it prints, until stopped. */
export function kubectlWatch(
  kubeconfig: string,
  args: readonly string[],
): { lines(): string[]; stop(): void } {
  const child = spawn('kubectl', ['--kubeconfig', kubeconfig, ...args, '--watch'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let output = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    output += chunk;
  });
  return { lines: () => output.split('\n'), stop: () => child.kill() };
}
