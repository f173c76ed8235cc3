import { execFile, spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';

export interface RunResult {
  stdout: string;
  stderr: string;
}

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`${command} exited with ${exitCode}: ${stderr.trim().split('\n').slice(-5).join('\n')}`);
    this.name = 'CommandError';
  }
}

/** Runs a program with an argument array (never a shell string) and returns what it printed. */
export function run(
  file: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: string | Buffer; cwd?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      {
        env: options.env ?? process.env,
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 0,
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (error) {
          const code = typeof error.code === 'number' ? error.code : null;
          reject(new CommandError(`${file} ${args[0] ?? ''}`.trim(), code, stderr || error.message));
        } else {
          resolve({ stdout, stderr });
        }
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Starts a long-running program detached from this process, its output appended to a log file. */
export function startDaemon(
  file: string,
  args: readonly string[],
  logFd: number,
  env?: NodeJS.ProcessEnv,
  cwd?: string,
): number {
  const child = spawn(file, args, {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: env ?? process.env,
    cwd,
  });
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${file}`);
  return child.pid;
}

/** Like startDaemon, opening the log file (appending) for the child and closing it in this process. */
export function startDaemonLogging(
  file: string,
  args: readonly string[],
  logPath: string,
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): number {
  const logFd = openSync(logPath, 'a');
  try {
    return startDaemon(file, args, logFd, options.env, options.cwd);
  } finally {
    closeSync(logFd);
  }
}

/** True while `pid` runs. A zombie (exited, waiting for its parent to reap it) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Sends SIGTERM, waits up to `graceMs`, then SIGKILL. Only ever called with pids this sandbox started. */
export async function stopProcess(pid: number, graceMs = 10_000): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `probe` until it returns true or `timeoutMs` passes. With `daemonPid`, gives up as soon as that
 * process has exited: waiting out the timeout for a daemon that already failed only hides its log.
 */
export async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  daemonPid?: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    if (daemonPid !== undefined && !isAlive(daemonPid)) throw new Error(`${what} exited before it was ready`);
    await sleep(200);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** The argv of a running process, or undefined when it is gone. */
export function commandLineOf(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .filter((part) => part !== '');
  } catch {
    return undefined;
  }
}

/**
 * True when `pid` still runs the program this sandbox started, recognised by an argument only it has
 * (its config file). Pids are reused, so a recorded pid alone never justifies a signal.
 */
export function isOurProcess(pid: number | undefined, marker: string): pid is number {
  if (pid === undefined) return false;
  // Joined, not per argument: sshd rewrites its argv into one title that still holds its config path.
  return commandLineOf(pid)?.join(' ').includes(marker) ?? false;
}

/** The pids of every live descendant of `pid`, children before grandchildren. */
export function descendantsOf(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name in field 2 may hold spaces and parentheses: parse after its closing one.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parentOf.set(Number(entry), Number(fields[1]));
    } catch {
      // the process ended while we listed
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [child, ppid] of parentOf) {
      if (ppid === parent) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}
