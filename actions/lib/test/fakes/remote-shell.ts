import type { ExecOptions, ExecResult } from '../../src/process/transport.js';
import type { RemoteShell } from '../../src/ssh/remote-shell.js';

export interface RecordedRemoteCommand {
  command: string;
  options: ExecOptions;
}

type Responder = (command: RecordedRemoteCommand) => Partial<ExecResult> | Promise<Partial<ExecResult>>;

/** A RemoteShell for unit tests: records each command line and answers from a responder. */
export class FakeRemoteShell implements RemoteShell {
  readonly target = 'deploy@fake-host:22';
  readonly calls: RecordedRemoteCommand[] = [];

  constructor(private readonly respond: Responder = () => ({})) {}

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const call = { command, options };
    this.calls.push(call);
    const answer = await this.respond(call);
    const stdout = answer.stdout ?? '';
    if (stdout) options.onStdout?.(stdout);
    return { exitCode: 0, stderr: '', aborted: false, ...answer, stdout };
  }
}
