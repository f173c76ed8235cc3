import type { ChildProcessWithoutNullStreams } from 'node:child_process';

export interface ChildIo {
  /** Written to the program's stdin, then closed. */
  stdin?: string | Buffer;
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
}

/**
 * Hands a spawned program its stdin and collects what it prints (passing each chunk on live as well).
 * The returned object fills as output arrives; read it once the child has closed.
 */
export function collectOutput(
  child: ChildProcessWithoutNullStreams,
  io: ChildIo,
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
