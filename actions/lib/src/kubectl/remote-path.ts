import { ConfigurationError } from '../errors.js';

// Paths on the node: plain characters only. They are quoted anyway, but a value such as `~/x` or `$HOME`
// would then silently mean something else than the user expects, and a leading '-' would become a flag.
const REMOTE_PATH = /^(?:\/|\.\/)?[A-Za-z0-9_.+-]+(?:\/[A-Za-z0-9_.+-]+)*$/;

/** A file path on the remote node: absolute, relative, or a bare program name found on PATH. */
export function checkRemotePath(input: string, value: string): string {
  if (!REMOTE_PATH.test(value) || value.startsWith('-') || value.split('/').includes('..')) {
    throw ConfigurationError.invalidInput(
      input,
      value,
      "a path on the node of letters, digits and '_ . + - /' (no '..', no '~' or '$', not starting with '-')",
    );
  }
  return value;
}
