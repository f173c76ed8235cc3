import type { CommandResult } from '../../src/command.js';
import { type Kubectl, KubectlError, type KubectlRunOptions } from '../../src/kubectl/kubectl.js';

export interface RecordedKubectlCall {
  args: readonly string[];
  options: KubectlRunOptions;
}

type Answer = Partial<CommandResult>;
type Responder = (call: RecordedKubectlCall) => Answer | Promise<Answer>;

/**
 * A Kubectl for unit tests: records each call and answers from a responder, following the real client's
 * contract (non-zero exit throws KubectlError unless ignoreExitCode).
 */
export class FakeKubectl implements Kubectl {
  readonly target = 'kubectl on fake';
  readonly calls: RecordedKubectlCall[] = [];

  constructor(private readonly respond: Responder) {}

  async run(args: readonly string[], options: KubectlRunOptions = {}): Promise<CommandResult> {
    const call = { args: [...args], options };
    this.calls.push(call);
    const answer = await this.respond(call);
    const result = { exitCode: 0, stdout: '', stderr: '', ...answer };
    if (result.exitCode !== 0 && !options.ignoreExitCode) throw new KubectlError(this.target, args, result);
    return result;
  }
}

/** The stderr kubectl prints for a missing object. */
export const notFound = (what: string): Answer => ({
  exitCode: 1,
  stderr: `Error from server (NotFound): ${what} not found\n`,
});
