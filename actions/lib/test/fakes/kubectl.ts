import type { CommandResult } from '../../src/command.js';
import {
  type Kubectl,
  KubectlError,
  type KubectlRunOptions,
  type KubectlStreamEnd,
  type KubectlStreamOptions,
} from '../../src/kubectl/kubectl.js';

export interface RecordedKubectlCall {
  args: readonly string[];
  options: KubectlRunOptions | KubectlStreamOptions;
}

type Answer = Partial<CommandResult> & { lines?: string[] };
type Responder = (call: RecordedKubectlCall) => Answer | Promise<Answer>;

/**
 * A Kubectl for unit tests: records each call and answers from a responder, following the real client's
 * contract (non-zero exit throws KubectlError unless ignoreExitCode; json() adds `-o json`; stream() hands
 * `lines` to onLine).
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
    delete (result as Answer).lines;
    if (result.exitCode !== 0 && !options.ignoreExitCode) throw new KubectlError(this.target, args, result);
    return result;
  }

  async json<T>(
    args: readonly string[],
    options: Omit<KubectlRunOptions, 'ignoreExitCode'> = {},
  ): Promise<T> {
    const { stdout } = await this.run([...args, '-o', 'json'], options);
    return JSON.parse(stdout) as T;
  }

  async stream(
    args: readonly string[],
    onLine: (line: string) => void,
    options: KubectlStreamOptions = {},
  ): Promise<KubectlStreamEnd> {
    const call = { args: [...args], options };
    this.calls.push(call);
    const answer = await this.respond(call);
    for (const line of answer.lines ?? []) onLine(line);
    return { exitCode: answer.exitCode ?? 0, stderr: answer.stderr ?? '', aborted: false };
  }
}

/** The stderr kubectl prints for a missing object. */
export const notFound = (what: string): Answer => ({
  exitCode: 1,
  stderr: `Error from server (NotFound): ${what} not found\n`,
});
