import type { CommandResult } from '../../lib/src/index.js';
import { type Kubectl, KubectlNotFoundError } from '../../lib/src/kubectl/index.js';
import type { RolloutSnapshot } from './assess.js';
import { ClusterError, type RolloutCluster } from './cluster.js';
import type { Deployment, KubeEvent, Pod, ReplicaSet } from './kube-types.js';

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

interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** A label selector in kubectl's `-l` syntax. The API server validated its keys and values. */
export function selectorArgument(selector: Selector | undefined): string {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const { key, operator, values = [] } of selector?.matchExpressions ?? []) {
    if (operator === 'In') parts.push(`${key} in (${values.join(',')})`);
    else if (operator === 'NotIn') parts.push(`${key} notin (${values.join(',')})`);
    else if (operator === 'Exists') parts.push(key);
    else if (operator === 'DoesNotExist') parts.push(`!${key}`);
    else
      throw new ClusterError(`unknown selector operator ${JSON.stringify(operator)} for key ${key}`, false);
  }
  if (parts.length === 0) throw new ClusterError('the deployment has an empty selector', false);
  return parts.join(',');
}

/** RolloutCluster on kubectl. Each poll is two reads (the Deployment, then its ReplicaSets and pods). */
export class KubectlCluster implements RolloutCluster {
  private readonly selectors = new Map<string, string>();

  constructor(private readonly kubectl: KubectlRun) {}

  /** `readOnly` lets the SSH transport re-run the command on a fresh connection after a cut. */
  private async run(args: readonly string[], readOnly = true): Promise<string> {
    let result: CommandResult;
    try {
      result = await this.kubectl.run([...args, REQUEST_TIMEOUT], { ignoreExitCode: true, readOnly });
    } catch (error) {
      if (error instanceof KubectlNotFoundError) throw error;
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
          const selector = selectorArgument(d.spec?.selector);
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
    const list = await this.json<{ items: KubeEvent[] }>([
      'get',
      'events',
      '--namespace',
      namespace,
      '--field-selector',
      `involvedObject.kind=Pod,involvedObject.name=${pod}`,
    ]);
    const time = (e: KubeEvent) => e.lastTimestamp ?? e.eventTime ?? '';
    return [...list.items].sort((a, b) => time(a).localeCompare(time(b)));
  }

  async containerLogs(
    namespace: string,
    pod: string,
    container: string,
    options: { tailLines: number; previous: boolean },
  ): Promise<string> {
    return this.run([
      'logs',
      pod,
      '--namespace',
      namespace,
      '--container',
      container,
      `--tail=${options.tailLines}`,
      ...(options.previous ? ['--previous'] : []),
    ]);
  }

  async undo(namespace: string, name: string, revision: number): Promise<void> {
    await this.run(
      ['rollout', 'undo', `deployment/${name}`, '--namespace', namespace, `--to-revision=${revision}`],
      false,
    );
  }
}
