import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { run, waitFor } from '../../../sandbox/src/exec.js';
import { repoRoot } from '../../../sandbox/src/paths.js';

export const bundlePath = join(repoRoot, 'service', 'dist', 'index.js');

function newestInput(): number {
  const walk = (dir: string): number[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(dir, entry.name)) : [statSync(join(dir, entry.name)).mtimeMs],
    );
  const lockFiles = ['package.json', 'package-lock.json'].map((f) => statSync(join(repoRoot, f)).mtimeMs);
  return Math.max(...walk(join(repoRoot, 'service', 'src')), ...lockFiles);
}

/**
 * Builds service/dist with the repository's own bundler, so the tests run what ships. ncc takes tens of
 * seconds on a busy 2-core machine, so a bundle newer than every source file and the lock file is reused.
 */
export async function buildServiceBundle(): Promise<void> {
  let bundleTime = 0;
  try {
    bundleTime = statSync(bundlePath).mtimeMs;
  } catch {}
  if (bundleTime > newestInput()) return;
  await run(process.execPath, [join(repoRoot, 'scripts', 'package.js'), 'service'], {
    cwd: repoRoot,
    timeoutMs: 180_000,
  });
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
  const child: ChildProcess = spawn(process.execPath, [bundlePath], {
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
