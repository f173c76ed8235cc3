/*
 * The one place a program is started. Both ways the actions run programs stand on it: CommandRunner
 * (command.ts: throws on a non-zero exit, for docker, trivy, tar) and the transports kubectl runs on
 * (kubectl/local-transport.ts here, the SSH shell over there: the exit code is a result).
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

export interface ProcessOptions {
  /** Written to the program's stdin, then closed: the one way to hand it a secret. */
  stdin?: string | Buffer;
  /** The whole environment (see child-env.ts). */
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /**
   * Stops the program (SIGTERM, then SIGKILL after 5 s). The result comes at once, with `aborted: true`:
   * the caller does not wait for a program that ignores SIGTERM.
   */
  signal?: AbortSignal;
  /** Live output, e.g. to stream a build log or split a watch into lines. */
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
}

export interface ProcessResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** `signal` stopped the program, or it never started because the signal had already fired. */
  aborted: boolean;
  /** The program does not exist (ENOENT); the exit code is then 127, as a shell reports it. */
  notFound: boolean;
}

/** The exit code POSIX shells use for "command not found". */
export const EXIT_COMMAND_NOT_FOUND = 127;
const EXIT_ABORTED = 130;
const KILL_GRACE_MS = 5000;

/**
 * Runs argv with no shell in between. Rejects only when the program cannot be started for another
 * reason than its absence (EACCES, EMFILE); a non-zero exit code is a result.
 */
export function runProcess(argv: readonly string[], options: ProcessOptions): Promise<ProcessResult> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new Error('runProcess: empty argv'));
  const { signal } = options;
  if (signal?.aborted) {
    return Promise.resolve({
      exitCode: EXIT_ABORTED,
      stdout: '',
      stderr: '',
      aborted: true,
      notFound: false,
    });
  }
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env, shell: false, stdio: 'pipe' });
    const output = collectOutput(child, options);
    let killTimer: NodeJS.Timeout | undefined;
    const settle = (result: Omit<ProcessResult, 'stdout' | 'stderr'>, stderr = output.stderr) => {
      signal?.removeEventListener('abort', onAbort);
      resolve({ ...result, stdout: output.stdout, stderr });
    };
    const onAbort = () => {
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      settle({ exitCode: EXIT_ABORTED, aborted: true, notFound: false });
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (error: NodeJS.ErrnoException) => {
      signal?.removeEventListener('abort', onAbort);
      if (error.code === 'ENOENT') {
        settle({ exitCode: EXIT_COMMAND_NOT_FOUND, aborted: false, notFound: true }, `${file}: not found`);
      } else reject(error);
    });
    child.on('close', (code, exitSignal) => {
      clearTimeout(killTimer);
      // After an abort the promise has settled: resolving again is a no-op.
      settle({ exitCode: exitCodeOf(code, exitSignal), aborted: signal?.aborted === true, notFound: false });
    });
  });
}

/** Hands a spawned program its stdin and collects what it prints, passing each chunk on live as well. */
function collectOutput(
  child: ChildProcessWithoutNullStreams,
  io: Pick<ProcessOptions, 'stdin' | 'onStdout' | 'onStderr'>,
): { stdout: string; stderr: string } {
  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output.stdout += chunk;
    io.onStdout?.(chunk);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output.stderr += chunk;
    io.onStderr?.(chunk);
  });
  // A program that exits without reading its stdin makes the write fail with EPIPE: not our error.
  child.stdin.on('error', () => {});
  child.stdin.end(io.stdin);
  return output;
}

/** The exit code, or for a program killed by a signal the one shells report (128 + signal number). */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  if (signal === null) return 1;
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return 128 + (numbers[signal] ?? 0);
}
