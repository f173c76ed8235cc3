import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { CommandError, run } from '../../exec.js';

export interface ContainerSpec {
  name: string;
  image: string;
  labels: Record<string, string>;
  /** Passed by name only (`-e KEY`), values through the docker client's environment: never on argv. */
  env: Record<string, string>;
  entrypoint?: string;
  args: string[];
  user?: string;
  workdir?: string;
  readOnlyRootFilesystem?: boolean;
  dropAllCapabilities?: boolean;
  noNewPrivileges?: boolean;
}

export interface ContainerState {
  running: boolean;
  exitCode: number;
  startedAt: string;
  finishedAt: string;
  oomKilled: boolean;
}

/** The Docker CLI, with argument arrays only, against one engine. */
export class DockerCli {
  constructor(private readonly host: string) {}

  private env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return { ...process.env, DOCKER_HOST: this.host, ...extra };
  }

  async imageId(image: string): Promise<string | undefined> {
    try {
      const { stdout } = await run('docker', ['image', 'inspect', '--format', '{{.Id}}', image], {
        env: this.env(),
      });
      return stdout.trim();
    } catch {
      return undefined;
    }
  }

  async login(configDir: string, registry: string, username: string, password: string): Promise<void> {
    await run(
      'docker',
      ['--config', configDir, 'login', '--username', username, '--password-stdin', registry],
      {
        env: this.env(),
        input: password,
        timeoutMs: 60_000,
      },
    );
  }

  /** Pulls an image; the error says why in Docker's own words. */
  async pull(image: string, configDir?: string): Promise<void> {
    const args = configDir ? ['--config', configDir, 'pull', '--quiet', image] : ['pull', '--quiet', image];
    try {
      await run('docker', args, { env: this.env(), timeoutMs: 300_000 });
    } catch (error) {
      const message = error instanceof CommandError ? error.stderr.trim() : (error as Error).message;
      throw new Error(
        message
          .split('\n')
          .filter((l) => l.trim() !== '')
          .pop() ?? message,
      );
    }
  }

  async runDetached(spec: ContainerSpec): Promise<string> {
    const args = ['run', '--detach', '--name', spec.name, '--network', 'host'];
    for (const [k, v] of Object.entries(spec.labels)) args.push('--label', `${k}=${v}`);
    for (const key of Object.keys(spec.env)) args.push('--env', key);
    if (spec.user) args.push('--user', spec.user);
    if (spec.workdir) args.push('--workdir', spec.workdir);
    if (spec.readOnlyRootFilesystem) args.push('--read-only');
    if (spec.dropAllCapabilities) args.push('--cap-drop', 'ALL');
    if (spec.noNewPrivileges) args.push('--security-opt', 'no-new-privileges');
    if (spec.entrypoint !== undefined) args.push('--entrypoint', spec.entrypoint);
    args.push(spec.image, ...spec.args);
    // Only the container's variables reach it: `-e KEY` reads them from this client process's environment.
    const { stdout } = await run('docker', args, { env: this.env(spec.env), timeoutMs: 120_000 });
    return stdout.trim();
  }

  /** Resolves with the exit code once the container stops. */
  wait(id: string): Promise<number> {
    return run('docker', ['wait', id], { env: this.env() }).then(
      ({ stdout }) => Number(stdout.trim()),
      () => 137,
    );
  }

  async inspect(id: string): Promise<ContainerState | undefined> {
    try {
      const { stdout } = await run('docker', ['inspect', '--format', '{{json .State}}', id], {
        env: this.env(),
      });
      const s = JSON.parse(stdout) as {
        Running: boolean;
        ExitCode: number;
        StartedAt: string;
        FinishedAt: string;
        OOMKilled: boolean;
      };
      return {
        running: s.Running,
        exitCode: s.ExitCode,
        startedAt: s.StartedAt,
        finishedAt: s.FinishedAt,
        oomKilled: s.OOMKilled,
      };
    } catch {
      return undefined;
    }
  }

  async stop(id: string, graceSeconds: number): Promise<void> {
    await run('docker', ['stop', '--time', String(graceSeconds), id], {
      env: this.env(),
      timeoutMs: (graceSeconds + 30) * 1000,
    }).catch(() => undefined);
  }

  async remove(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await run('docker', ['rm', '--force', '--volumes', ...ids], { env: this.env() }).catch(() => undefined);
  }

  async containersLabelled(label: string): Promise<string[]> {
    const { stdout } = await run('docker', ['ps', '--all', '--quiet', '--filter', `label=${label}`], {
      env: this.env(),
    });
    return stdout.split('\n').filter((l) => l.trim() !== '');
  }

  async exec(id: string, command: string[], timeoutMs: number): Promise<boolean> {
    try {
      await run('docker', ['exec', id, ...command], { env: this.env(), timeoutMs });
      return true;
    } catch {
      return false;
    }
  }

  /** Streams a container's output (stdout and stderr interleaved) into `out`; resolves when it ends. */
  logs(
    id: string,
    options: { follow: boolean; tailLines?: number; timestamps: boolean },
    out: Writable,
    abort: AbortSignal,
  ): Promise<void> {
    const args = ['logs'];
    if (options.follow) args.push('--follow');
    if (options.tailLines !== undefined) args.push('--tail', String(options.tailLines));
    if (options.timestamps) args.push('--timestamps');
    args.push(id);
    return new Promise((resolve) => {
      const child = spawn('docker', args, {
        env: this.env(),
        stdio: ['ignore', 'pipe', 'pipe'],
        signal: abort,
      });
      child.stdout.on('data', (chunk) => out.write(chunk));
      child.stderr.on('data', (chunk) => out.write(chunk));
      child.on('error', () => resolve());
      child.on('close', () => resolve());
    });
  }
}
