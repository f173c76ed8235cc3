import { ConfigurationError } from '../../lib/src/index.js';

const PLACEHOLDER = /\{([^{}]*)\}/g;

/**
 * The `environment-url` input with `{namespace}` and `{environment}` replaced; it must then be an http(s)
 * URL. Both values are DNS labels, so they cannot break out of the URL's host or path.
 */
export function environmentUrl(
  template: string,
  values: { namespace: string; environment: string },
): string | undefined {
  if (template === '') return undefined;
  const expected = 'an http(s) URL, with {namespace} and {environment} where those go';
  const filled = template.replace(PLACEHOLDER, (placeholder, name: string) => {
    if (name !== 'namespace' && name !== 'environment') {
      throw ConfigurationError.invalidInput(
        'environment-url',
        template,
        `${expected}; '${placeholder}' is neither`,
      );
    }
    const value = values[name];
    if (value === '') {
      throw ConfigurationError.invalidInput(
        'environment-url',
        template,
        `${expected}; ${name} is empty here`,
      );
    }
    return value;
  });
  let url: URL;
  try {
    url = new URL(filled);
  } catch {
    throw ConfigurationError.invalidInput('environment-url', template, expected);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw ConfigurationError.invalidInput('environment-url', template, expected);
  }
  return filled;
}
