import { ConfigurationError } from '../../lib/src/index.js';

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
