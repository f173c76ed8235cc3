import { AbortedError, type CommandResult, deadlineSignal } from '../../lib/src/index.js';
import {
  containerLogsArgs,
  type Deployment,
  eventsArgs,
  inTimeOrder,
  type Kubectl,
  KubectlNotFoundError,
  type KubeEvent,
  type Pod,
  type ReplicaSet,
  selectorString,
} from '../../lib/src/kubectl/index.js';
import type { RolloutSnapshot } from './assess.js';
import { ClusterError, type JsonPatch, type RolloutCluster } from './cluster.js';

/** The one kubectl call the watcher needs: argv in, result out whatever the exit code. */
export type KubectlRun = Pick<Kubectl, 'run'>;

// kubectl prints `Error from server (Reason): …`; these reasons will not go away by asking again.
const PERMANENT =
  /Error from server \((NotFound|Forbidden|Unauthorized|BadRequest|Invalid)\)|error: the server doesn't have a resource type|error: You must be logged in/;

/** Bounds every request, so that a hung connection turns into an error the watcher retries. */
const REQUEST_TIMEOUT = '--request-timeout=10s';

function lastLine(text: string): string {
  return text.trim().split('\n').slice(-1)[0] ?? '';
}

/** The Deployment's selector in kubectl's `-l` syntax; one kubectl cannot express will not change by asking again. */
export function selectorArgument(deployment: Deployment): string {
  try {
    return selectorString(deployment.spec?.selector ?? {});
  } catch (error) {
    throw new ClusterError(`the Deployment's selector: ${(error as Error).message}`, false);
  }
}

/** RolloutCluster on kubectl. Each poll is two reads (the Deployment, then its ReplicaSets and pods). */
export class KubectlCluster implements RolloutCluster {
  constructor(
    private readonly kubectl: KubectlRun,
    private readonly signal?: AbortSignal,
    private readonly selectors = new Map<string, string>(),
  ) {}

  until(deadline: number): KubectlCluster {
    return new KubectlCluster(this.kubectl, deadlineSignal(deadline), this.selectors);
  }

  /** `readOnly` lets the SSH transport re-run the command on a fresh connection after a cut. */
  private async run(args: readonly string[], readOnly = true): Promise<string> {
    let result: CommandResult;
    try {
      result = await this.kubectl.run([...args, REQUEST_TIMEOUT], {
        ignoreExitCode: true,
        readOnly,
        signal: this.signal,
      });
    } catch (error) {
      // A missing kubectl will not appear by asking again; a passed deadline ends the phase.
      if (error instanceof KubectlNotFoundError || error instanceof AbortedError) throw error;
      throw new ClusterError(`kubectl ${args[0]} could not run: ${(error as Error).message}`, true);
    }
    if (result.exitCode !== 0) {
      const detail = lastLine(result.stderr) || `exit code ${result.exitCode}`;
      throw new ClusterError(
        `kubectl ${args.slice(0, 2).join(' ')}: ${detail}`,
        !PERMANENT.test(result.stderr),
      );
    }
    return result.stdout;
  }

  private async json<T>(args: readonly string[]): Promise<T> {
    const stdout = await this.run([...args, '-o', 'json']);
    try {
      return JSON.parse(stdout) as T;
    } catch {
      // A connection cut mid-answer leaves half a document.
      throw new ClusterError(`kubectl ${args[0]} printed no complete JSON (${stdout.length} bytes)`, true);
    }
  }

  private deploymentArgs(namespace: string, name: string): string[] {
    return ['get', 'deployment', name, '--namespace', namespace];
  }

  private podsArgs(namespace: string, selector: string): string[] {
    return ['get', 'replicasets,pods', '--namespace', namespace, '--selector', selector];
  }

  async snapshot(namespace: string, name: string): Promise<RolloutSnapshot> {
    const key = `${namespace}/${name}`;
    const known = this.selectors.get(key);
    // The selector of an apps/v1 Deployment is immutable: after the first poll both reads run at once.
    const [deployment, list] = known
      ? await Promise.all([
          this.json<Deployment>(this.deploymentArgs(namespace, name)),
          this.json<{ items: (ReplicaSet | Pod)[] }>(this.podsArgs(namespace, known)),
        ])
      : await this.json<Deployment>(this.deploymentArgs(namespace, name)).then(async (d) => {
          const selector = selectorArgument(d);
          this.selectors.set(key, selector);
          return [
            d,
            await this.json<{ items: (ReplicaSet | Pod)[] }>(this.podsArgs(namespace, selector)),
          ] as const;
        });
    const items = list.items as ((ReplicaSet | Pod) & { kind?: string })[];
    return {
      deployment,
      replicaSets: items.filter((i) => i.kind === 'ReplicaSet') as ReplicaSet[],
      pods: items.filter((i) => i.kind === 'Pod') as Pod[],
    };
  }

  async podEvents(namespace: string, pod: string): Promise<KubeEvent[]> {
    const list = await this.json<{ items: KubeEvent[] }>(eventsArgs(namespace, 'Pod', pod));
    return inTimeOrder(list.items);
  }

  async containerLogs(
    namespace: string,
    pod: string,
    container: string,
    options: { tailLines: number; previous: boolean },
  ): Promise<string> {
    return this.run(containerLogsArgs(namespace, pod, container, options));
  }

  async patchDeployment(namespace: string, name: string, patch: JsonPatch): Promise<void> {
    const args = ['patch', 'deployment', name, '--namespace', namespace, '--type=json'];
    await this.run([...args, `--patch=${JSON.stringify(patch)}`], false);
  }
}
