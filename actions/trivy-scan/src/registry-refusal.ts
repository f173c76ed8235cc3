import { CommandFailedError, ConfigurationError } from '../../lib/src/index.js';
import type { RegistryCredentials } from '../../lib/src/trivy/trivy-cli.js';

/** The registry part of an image reference as Docker reads it: a first component with `.` or `:`, or localhost. */
export function registryOf(imageRef: string): string {
  const [first = '', ...rest] = imageRef.split('/');
  return rest.length > 0 && (/[.:]/.test(first) || first === 'localhost') ? first : 'docker.io';
}

/**
 * Trivy's failure to pull because the registry answered UNAUTHORIZED, as an error that says so and what
 * to change; undefined for any other failure. Trivy buries the registry's answer in a list of every image
 * source it tried (docker, containerd, podman, remote), past the part of stderr a message shows.
 */
export function registryRefusal(
  error: unknown,
  imageRef: string,
  credentials: RegistryCredentials | undefined,
): ConfigurationError | undefined {
  if (!(error instanceof CommandFailedError)) return undefined;
  const answer = /\bUNAUTHORIZED\b[^;\n]*/.exec(error.result.stderr)?.[0].trim();
  if (answer === undefined) return undefined;
  const registry = registryOf(imageRef);
  const fix = credentials
    ? `it refused user '${credentials.username}' with the password given: check the inputs 'username' and 'password'`
    : "it wants credentials: pass them in the inputs 'username' and 'password'";
  return new ConfigurationError(`The registry ${registry} answered ${answer} for ${imageRef}: ${fix}.`);
}
