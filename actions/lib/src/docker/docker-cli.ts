import type { CommandOptions, CommandRunner } from '../command.js';
import type { BuildCommand, Builder } from './build-command.js';

/** The one way actions use docker. Tests of action logic pass a fake; integration tests the real CLI. */
export interface Docker {
  /** Which builder this runner's docker offers. */
  builder(): Promise<Builder>;
  build(command: BuildCommand, onOutput?: (chunk: string) => void): Promise<void>;
  /** The password goes to `docker login --password-stdin`, never into argv. */
  login(registry: string, username: string, password: string): Promise<void>;
  logout(registry: string): Promise<void>;
  push(ref: string): Promise<void>;
  /** Writes a local image to a tar file (`docker save`), in the engine's save format. */
  save(ref: string, file: string): Promise<void>;
  /** Uncompressed size of a local image in bytes. */
  imageSize(imageId: string): Promise<number>;
}

/**
 * Docker through its CLI. Every call gets the same DOCKER_CONFIG, so that credentials live in a
 * temporary folder of this job and not in the runner user's ~/.docker.
 */
export class DockerCli implements Docker {
  constructor(
    private readonly runner: CommandRunner,
    private readonly env: Record<string, string>,
    private readonly timeouts = { buildMs: 60 * 60_000, pushMs: 30 * 60_000, otherMs: 120_000 },
  ) {}

  private run(args: string[], options: CommandOptions = {}) {
    return this.runner.run('docker', args, { ...options, env: { ...this.env, ...options.env } });
  }

  async builder(): Promise<Builder> {
    const buildx = await this.run(['buildx', 'version'], {
      ignoreExitCode: true,
      timeoutMs: this.timeouts.otherMs,
    });
    if (buildx.exitCode === 0) return 'buildx';
    const { stdout } = await this.run(['version', '--format', '{{.Client.Version}}'], {
      ignoreExitCode: true,
      timeoutMs: this.timeouts.otherMs,
    });
    // From docker 23 on, DOCKER_BUILDKIT=1 without buildx is refused outright.
    const major = Number(/^(\d+)\./.exec(stdout.trim())?.[1] ?? Number.NaN);
    return Number.isFinite(major) && major < 23 ? 'buildkit' : 'legacy';
  }

  async build(command: BuildCommand, onOutput?: (chunk: string) => void): Promise<void> {
    await this.run(command.args, {
      env: command.env,
      timeoutMs: this.timeouts.buildMs,
      onStdout: onOutput,
      onStderr: onOutput,
    });
  }

  async login(registry: string, username: string, password: string): Promise<void> {
    await this.run(['login', '--username', username, '--password-stdin', registry], {
      stdin: password,
      timeoutMs: this.timeouts.otherMs,
    });
  }

  async logout(registry: string): Promise<void> {
    await this.run(['logout', registry], { timeoutMs: this.timeouts.otherMs });
  }

  async push(ref: string): Promise<void> {
    await this.run(['push', ref], { timeoutMs: this.timeouts.pushMs });
  }

  async save(ref: string, file: string): Promise<void> {
    await this.run(['save', '--output', file, ref], { timeoutMs: this.timeouts.pushMs });
  }

  async imageSize(imageId: string): Promise<number> {
    const { stdout } = await this.run(['image', 'inspect', '--format', '{{.Size}}', imageId], {
      timeoutMs: this.timeouts.otherMs,
    });
    const size = Number(stdout.trim());
    if (!Number.isFinite(size))
      throw new Error(`docker image inspect gave no size for ${imageId}: ${stdout.trim()}`);
    return size;
  }
}

/** Push and login failures worth another try: the network or the registry, not our credentials or image. */
export function isTransientDockerError(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  if (/unauthorized|denied|forbidden|invalid username|manifest invalid|tag invalid|immutable/i.test(text))
    return false;
  return /timeout|timed out|connection reset|connection refused|EOF|i\/o timeout|TLS handshake|50[234]|too many requests|429|temporar/i.test(
    text,
  );
}
