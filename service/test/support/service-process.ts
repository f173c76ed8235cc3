import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { waitFor } from '../../../sandbox/src/exec.js';
import { ensureServiceBundle, serviceBundlePath } from '../../build/bundle.js';

export const bundlePath = serviceBundlePath;

/**
 * The V8 flags the image's ENTRYPOINT starts the service with (node-flags.test.ts keeps the two equal), so
 * tests and benchmarks run it as it runs in a pod. A young generation of 2 x 8 MB instead of V8's 2 x 16 MB:
 * under sustained load V8 grows it to its maximum although little survives a request (the heap in use stays
 * 10-16 MB), and that growth alone was 13 MB of resident memory.
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=8'] as const;

/** Builds service/dist with the repository's own bundler, so the tests run what ships (kept when current). */
export async function buildServiceBundle(): Promise<void> {
  await ensureServiceBundle();
}

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningService {
  pid: number;
  port: number;
  url: string;
  /** Parsed JSON log lines written so far. */
  logs: () => Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL if it has not exited in `graceMs`. Safe to call after it exited. */
  stop: (graceMs?: number) => Promise<void>;
}

/** Starts the built bundle on a free loopback port and waits until /health answers. */
export async function startService(
  env: Record<string, string> = {},
  options: { keepLogs?: boolean } = {},
): Promise<RunningService> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [...SERVICE_NODE_FLAGS, bundlePath], {
    env: { PATH: process.env.PATH, PORT: String(port), LISTEN_ADDRESS: '127.0.0.1', ...env },
    // Benchmarks send the log to /dev/null: still written, never held in this process's memory.
    stdio: ['ignore', options.keepLogs === false ? 'ignore' : 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${bundlePath}`);
  const lines: string[] = [];
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts);
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let hasExited = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      hasExited = true;
      resolve({ code, signal });
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      `the service on port ${port} to answer /health`,
      async () => {
        if (hasExited) throw new Error(`the service exited: ${lines.join('\n')}\n${stderr}`);
        return (await fetch(`${url}/health`)).ok;
      },
      30_000,
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\nlog:\n${lines.join('\n')}\n${stderr}`);
  }
  const pid = child.pid;
  return {
    pid,
    port,
    url,
    logs: () => lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)),
    exited,
    stop: async (graceMs = 10_000) => {
      if (hasExited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
