import { execFile } from 'node:child_process';

export interface PromtoolResult {
  exitCode: number;
  output: string;
}

/** Runs promtool ($PROMTOOL or the one on PATH) with an argument array; never throws on a failed check. */
export function promtool(args: string[], cwd?: string): Promise<PromtoolResult> {
  const binary = process.env.PROMTOOL || 'promtool';
  return new Promise((resolve, reject) => {
    execFile(
      binary,
      args,
      { cwd, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(
            new Error(
              `promtool not found (tried '${binary}'): apt-get install prometheus, or set PROMTOOL to its path`,
            ),
          );
          return;
        }
        const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ exitCode, output: `${stdout}${stderr}` });
      },
    );
  });
}
