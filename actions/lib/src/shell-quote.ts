/*
 * For the one place a shell is unavoidable: a command run on a remote host over SSH, where the server hands
 * the command line to the user's login shell. Every argument goes through `shellQuote`; nothing else builds
 * remote command lines.
 */

// Arguments made only of these need no quotes; keeping them bare makes logged commands readable.
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One argument as a POSIX shell word that the shell turns back into exactly `arg`. */
export function shellQuote(arg: string): string {
  if (arg.includes('\0')) throw new Error('shellQuote: an argument cannot contain a NUL byte');
  if (SAFE.test(arg)) return arg;
  // Inside single quotes nothing is special except the closing quote: end the quote, add \', reopen.
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** An argv array as one POSIX shell command line. */
export function shellCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('shellCommand: no program given');
  return argv.map(shellQuote).join(' ');
}
