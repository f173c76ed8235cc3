// Running a program: one way, here or on a remote host, argv in and exit code out. See ../../README.md.
export { LocalTransport } from './local-transport.js';
export { EXIT_COMMAND_NOT_FOUND, exitCodeOf, type ProcessResult, runProcess } from './run-process.js';
export type { ArgvTransport, ExecOptions, ExecResult } from './transport.js';
