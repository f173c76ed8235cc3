import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../runner/src/paths.js';
import { freeLoopbackPort, loopback } from '../../sandbox/src/ports.js';

/** moto's fixed account: what its ARNs, registry ids and owner ids name. */
export const MOTO_ACCOUNT_ID = '123456789012';

export const motoServerBinary = join(repoRoot, '.cache', 'moto', 'venv', 'bin', 'moto_server');

/** One moto server in server mode on 127.0.0.1, for one test file. */
export interface MotoServer {
  /** http://127.0.0.1:PORT: the endpoint for AWS_ENDPOINT_URL. */
  readonly url: string;
  readonly pid: number;
  /** Forgets every resource (ECR repositories, instances, IAM users…): a clean account. */
  reset(): Promise<void>;
  /**
   * Switches IAM enforcement on: every request after the next `freeRequests` is signed-checked and
   * evaluated against the caller's IAM policies. `Infinity` switches it off again.
   */
  enforceIam(freeRequests?: number): Promise<void>;
  /** moto's own log, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

async function motoApi(url: string, path: string, body?: string): Promise<void> {
  const response = await fetch(`${url}/moto-api/${path}`, { method: 'POST', body });
  if (!response.ok) throw new Error(`moto ${path}: HTTP ${response.status} ${await response.text()}`);
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts `moto_server` on a free loopback port and waits until it answers. moto comes from
 * scripts/install-moto.sh (run by the bootstrap); without it this fails with the command that installs it,
 * so that the AWS tests never pass by being skipped.
 */
export async function startMotoServer(options: { timeoutMs?: number } = {}): Promise<MotoServer> {
  if (!existsSync(motoServerBinary)) {
    throw new Error(
      `moto (the AWS emulator) is not installed at ${motoServerBinary}: run 'bash scripts/install-moto.sh' ` +
        "(or 'bash scripts/bootstrap.sh', which runs it)",
    );
  }
  const port = await freeLoopbackPort();
  const url = `http://${loopback}:${port}`;
  const child = spawn(motoServerBinary, ['--host', loopback, '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Only what moto needs: no AWS credentials or endpoints of the machine's user leak into it.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PYTHONUNBUFFERED: '1' },
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    // The tail is enough to explain a failure; moto logs one line per request.
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`moto_server did not start: ${output}`);

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = exited(child);
    process.kill(pid, 'SIGTERM');
    const timer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
    }, 5000);
    await gone;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `moto_server exited (${child.exitCode ?? child.signalCode}) before answering:\n${output}`,
      );
    }
    try {
      // moto's own API answers once the server is up; a reset of a fresh server changes nothing.
      await motoApi(url, 'reset');
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(
          `moto_server did not answer on ${url} within ${options.timeoutMs ?? 30_000} ms:\n${output}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  return {
    url,
    pid,
    reset: () => motoApi(url, 'reset'),
    enforceIam: (freeRequests = 0) =>
      motoApi(url, 'reset-auth', Number.isFinite(freeRequests) ? String(freeRequests) : 'inf'),
    log: () => output,
    stop,
  };
}
