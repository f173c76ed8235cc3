/** The command line itself is wrong (unknown command or flag, missing value): exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const EXIT_SUCCESS = 0;
export const EXIT_ACTION_FAILED = 1;
export const EXIT_USAGE = 2;
