import type { CommandOptions, CommandResult, CommandRunner } from '../../src/command.js';
import { CommandFailedError } from '../../src/command.js';

export interface RecordedCommand {
  file: string;
  args: readonly string[];
  options: CommandOptions;
}

type Responder = (command: RecordedCommand) => Partial<CommandResult> | Promise<Partial<CommandResult>>;

/**
 * A CommandRunner for unit tests: records every call and answers from a responder. It follows the real
 * runner's contract: a non-zero exit code throws CommandFailedError unless ignoreExitCode is set.
 */
export class FakeCommandRunner implements CommandRunner {
  readonly calls: RecordedCommand[] = [];

  constructor(private readonly respond: Responder = () => ({})) {}

  async run(file: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
    const command = { file, args: [...args], options };
    this.calls.push(command);
    const answer = await this.respond(command);
    const result: CommandResult = { exitCode: 0, stdout: '', stderr: '', ...answer };
    if (result.exitCode !== 0 && !options.ignoreExitCode) throw new CommandFailedError(file, args, result);
    return result;
  }
}
