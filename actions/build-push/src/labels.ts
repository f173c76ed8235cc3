import { type CommandRunner, ConfigurationError } from '../../lib/src/index.js';

export interface LabelContext {
  serverUrl: string;
  repository: string;
  sha: string;
  /** The first rendered tag: the version the image is known by. */
  version: string;
  created: Date;
}

/** The OCI annotation keys (image-spec annotations.md) that say where an image came from. */
export function ociLabels(context: LabelContext): Record<string, string> {
  const labels: Record<string, string> = {
    'org.opencontainers.image.revision': context.sha,
    'org.opencontainers.image.created': context.created.toISOString(),
    'org.opencontainers.image.version': context.version,
  };
  if (context.repository !== '') {
    labels['org.opencontainers.image.source'] = `${context.serverUrl}/${context.repository}`;
  }
  return labels;
}

/**
 * When the image was made, for `org.opencontainers.image.created`. It comes from the source, not the clock,
 * so that building one commit twice gives the same image config and so the same digest: a second deploy of
 * that commit is then a no-op instead of a needless rollout. In order: SOURCE_DATE_EPOCH (the
 * reproducible-builds convention), the commit time that git records for `sha` in the build context, the
 * pushed head commit's timestamp from the event, and only then the clock.
 */
export async function imageCreatedTime(source: {
  env: NodeJS.ProcessEnv;
  payload: Record<string, unknown>;
  runner: CommandRunner;
  context: string;
  sha: string;
  now: () => number;
}): Promise<Date> {
  const epoch = source.env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && epoch !== '') {
    if (!/^\d+$/.test(epoch)) {
      throw new ConfigurationError(
        `Invalid SOURCE_DATE_EPOCH '${epoch}'. Expected whole seconds since 1970-01-01 UTC.`,
      );
    }
    return new Date(Number(epoch) * 1000);
  }
  if (/^[0-9a-f]{7,64}$/.test(source.sha)) {
    const git = await source.runner
      .run('git', ['-C', source.context, 'show', '-s', '--format=%ct', source.sha], { ignoreExitCode: true })
      .catch(() => undefined);
    const seconds = git?.exitCode === 0 ? git.stdout.trim() : '';
    if (/^\d+$/.test(seconds)) return new Date(Number(seconds) * 1000);
  }
  const headCommit = source.payload.head_commit as { timestamp?: unknown } | undefined;
  const stamped = typeof headCommit?.timestamp === 'string' ? Date.parse(headCommit.timestamp) : Number.NaN;
  return Number.isNaN(stamped) ? new Date(source.now()) : new Date(stamped);
}

const LABEL_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

/** `key=value` lines; the value may hold `=`. */
export function parseLabels(inputName: string, lines: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const line of lines) {
    const at = line.indexOf('=');
    const key = at < 0 ? '' : line.slice(0, at).trim();
    if (!LABEL_KEY.test(key)) {
      throw ConfigurationError.invalidInput(
        inputName,
        line,
        'one key=value a line, the key like org.example.team',
      );
    }
    labels[key] = line.slice(at + 1);
  }
  return labels;
}
