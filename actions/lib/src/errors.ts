/** Longest part of a user's value quoted back in an error; long values only make the message unreadable. */
const MAX_QUOTED_LENGTH = 200;

/** Quotes a user-supplied value for an error message: control characters made visible, length capped. */
export function quoteValue(value: string): string {
  const visible = value.replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
  const capped = visible.length > MAX_QUOTED_LENGTH ? `${visible.slice(0, MAX_QUOTED_LENGTH)}…` : visible;
  return `'${capped}'`;
}

/**
 * A mistake the user can fix in their workflow file. Its message is shown as is (no "failed:" prefix, no
 * stack), so it must say what to change.
 */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }

  /** `Invalid input 'fail-on': 'BAD'. Expected a comma-separated list of LOW, HIGH.` */
  static invalidInput(name: string, value: string, expected: string): ConfigurationError {
    return new ConfigurationError(`Invalid input '${name}': ${quoteValue(value)}. Expected ${expected}.`);
  }

  /** For secret inputs: names the input and what was expected, never the value. */
  static invalidSecretInput(name: string, expected: string): ConfigurationError {
    return new ConfigurationError(
      `Invalid input '${name}' (value hidden, it is a secret). Expected ${expected}.`,
    );
  }

  static missingInput(name: string, hint?: string): ConfigurationError {
    return new ConfigurationError(`Input '${name}' is required but was empty.${hint ? ` ${hint}` : ''}`);
  }
}

/** The message of anything thrown, for logs: Error messages as they are, other values stringified. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
