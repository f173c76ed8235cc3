import type { CommandRunner } from '../command.js';

export interface ImageScanOptions {
  image: string;
  /** Where the JSON report goes. */
  output: string;
  cacheDir: string;
  ignoreUnfixed: boolean;
  /** A .trivyignore to pass on; absent when there is none. */
  ignoreFile?: string;
  timeoutSeconds: number;
  /** Basic-auth credentials for the image's registry; the password goes to Trivy on stdin only. */
  registryCredentials?: RegistryCredentials;
}

export interface RegistryCredentials {
  username: string;
  password: string;
}

/** The one way actions use Trivy. Tests of the action's logic use a fake; integration tests the real Trivy. */
export interface Trivy {
  version(): Promise<string>;
  /** Fetches the vulnerability DB from one repository into the cache dir. */
  downloadDb(repository: string, cacheDir: string): Promise<void>;
  /** Scans with the DB already in the cache dir; never updates it, never exits non-zero for findings. */
  scanImage(options: ImageScanOptions): Promise<void>;
  /** Writes SARIF from a JSON report: the same findings, no second scan. */
  convertToSarif(report: string, output: string): Promise<void>;
}

export class TrivyCli implements Trivy {
  constructor(
    private readonly runner: CommandRunner,
    private readonly executable: string,
  ) {}

  async version(): Promise<string> {
    const { stdout } = await this.runner.run(this.executable, ['--version'], { timeoutMs: 60_000 });
    return /Version:\s*(\S+)/.exec(stdout)?.[1] ?? stdout.trim();
  }

  async downloadDb(repository: string, cacheDir: string): Promise<void> {
    await this.runner.run(
      this.executable,
      ['image', '--download-db-only', '--db-repository', repository, '--cache-dir', cacheDir, '--quiet'],
      { timeoutMs: 10 * 60_000 },
    );
  }

  async scanImage(options: ImageScanOptions): Promise<void> {
    const args = [
      'image',
      '--scanners',
      'vuln',
      '--format',
      'json',
      '--output',
      options.output,
      '--cache-dir',
      options.cacheDir,
      '--skip-db-update',
      '--exit-code',
      '0',
      '--timeout',
      `${options.timeoutSeconds}s`,
      '--quiet',
    ];
    if (options.ignoreUnfixed) args.push('--ignore-unfixed');
    if (options.ignoreFile !== undefined) args.push('--ignorefile', options.ignoreFile);
    const credentials = options.registryCredentials;
    // The password never goes on argv (`ps` shows it) nor in TRIVY_PASSWORD (a child's environment can be
    // read too): Trivy reads it from stdin. `--username=` keeps a name starting with `-` a value.
    if (credentials) args.push(`--username=${credentials.username}`, '--password-stdin');
    // `--` ends the options: an image reference can never be read as a flag.
    args.push('--', options.image);
    await this.runner.run(this.executable, args, {
      timeoutMs: (options.timeoutSeconds + 60) * 1000,
      ...(credentials ? { stdin: credentials.password } : {}),
    });
  }

  async convertToSarif(report: string, output: string): Promise<void> {
    await this.runner.run(
      this.executable,
      ['convert', '--format', 'sarif', '--output', output, '--', report],
      {
        timeoutMs: 5 * 60_000,
      },
    );
  }
}
