import { AbortedError, deadlineSignal } from '../abortable.js';
import type { CommandResult } from '../command.js';
import {
  annotateArgs,
  containerLogsArgs,
  deleteDeploymentArgs,
  deleteNamespaceArgs,
  deploymentArgs,
  eventsArgs,
  inTimeOrder,
  jsonPatchArgs,
  namespaceArgs,
  namespacesArgs,
  rolloutPartsArgs,
  selectedArgs,
  selectorString,
  serviceArgs,
  setImageArgs,
} from '../kubectl/args.js';
import { ClusterError, kubectlFailureKind } from '../kubectl/cluster-error.js';
import { type Kubectl, KubectlNotFoundError } from '../kubectl/kubectl.js';
import {
  CHANGE_CAUSE_ANNOTATION,
  type Deployment,
  type KubeEvent,
  type LabelSelector,
  type List,
  type Namespace,
  ownedReplicaSets,
  type Pod,
  type ReplicaSet,
  type Service,
} from '../kubectl/resources.js';
import type { DeployTarget, JsonPatch, RolloutSnapshot } from './deploy-target.js';

/** The one kubectl call the target needs: argv in, result out whatever the exit code. */
export type KubectlRun = Pick<Kubectl, 'run'>;

export interface KubectlTargetOptions {
  /**
   * kubectl's `--request-timeout` on every call, so that a hung connection turns into a transient error
   * that a watch loop retries. Unset: kubectl's own (none).
   */
  requestTimeoutSeconds?: number;
}

function lastLine(text: string): string {
  return text.trim().split('\n').slice(-1)[0] ?? '';
}

/** The Deployment's selector in kubectl's `-l` syntax; one kubectl cannot express will not change by asking again. */
export function selectorArgument(deployment: Deployment): string {
  try {
    return selectorString(deployment.spec?.selector ?? {});
  } catch (error) {
    throw new ClusterError(`the Deployment's selector: ${(error as Error).message}`, 'permanent');
  }
}

/** DeployTarget on kubectl, wherever kubectl runs (see `openTarget`). */
export class KubectlTarget implements DeployTarget {
  constructor(
    private readonly kubectl: KubectlRun,
    private readonly options: KubectlTargetOptions = {},
    private readonly signal?: AbortSignal,
    private readonly selectors = new Map<string, string>(),
  ) {}

  until(deadline: number): KubectlTarget {
    return new KubectlTarget(this.kubectl, this.options, deadlineSignal(deadline), this.selectors);
  }

  /** `readOnly` lets the SSH transport re-run the command on a fresh connection after a cut. */
  private async run(
    args: readonly string[],
    options: { readOnly: boolean; stdin?: string },
  ): Promise<string> {
    const timeout = this.options.requestTimeoutSeconds;
    let result: CommandResult;
    try {
      result = await this.kubectl.run(
        timeout === undefined ? args : [...args, `--request-timeout=${timeout}s`],
        {
          ignoreExitCode: true,
          readOnly: options.readOnly,
          signal: this.signal,
          ...(options.stdin !== undefined && { stdin: options.stdin }),
        },
      );
    } catch (error) {
      // A missing kubectl will not appear by asking again; a passed deadline ends the phase.
      if (error instanceof KubectlNotFoundError || error instanceof AbortedError) throw error;
      throw new ClusterError(`kubectl ${args[0]} could not run: ${(error as Error).message}`, 'transient');
    }
    if (result.exitCode !== 0) {
      const detail = lastLine(result.stderr) || `exit code ${result.exitCode}`;
      throw new ClusterError(
        `kubectl ${args.slice(0, 2).join(' ')}: ${detail}`,
        kubectlFailureKind(result.stderr),
      );
    }
    return result.stdout;
  }

  private read(args: readonly string[]): Promise<string> {
    return this.run(args, { readOnly: true });
  }

  private async json<T>(args: readonly string[]): Promise<T> {
    const stdout = await this.read([...args, '-o', 'json']);
    try {
      return JSON.parse(stdout) as T;
    } catch {
      // A connection cut mid-answer leaves half a document.
      throw new ClusterError(
        `kubectl ${args[0]} printed no complete JSON (${stdout.length} bytes)`,
        'transient',
      );
    }
  }

  async deployment(namespace: string, name: string): Promise<Deployment | undefined> {
    try {
      return await this.json<Deployment>(deploymentArgs(namespace, name));
    } catch (error) {
      if (error instanceof ClusterError && error.notFound) return undefined;
      throw error;
    }
  }

  async replicaSetsOf(namespace: string, deployment: Deployment): Promise<ReplicaSet[]> {
    const sets = await this.json<List<ReplicaSet>>(
      selectedArgs(namespace, 'replicasets', deployment.spec.selector),
    );
    return ownedReplicaSets(deployment, sets.items);
  }

  async snapshot(namespace: string, name: string): Promise<RolloutSnapshot> {
    const key = `${namespace}/${name}`;
    const known = this.selectors.get(key);
    // The selector of an apps/v1 Deployment is immutable: after the first poll both reads run at once.
    const [deployment, list] = known
      ? await Promise.all([
          this.json<Deployment>(deploymentArgs(namespace, name)),
          this.json<List<ReplicaSet | Pod>>(rolloutPartsArgs(namespace, known)),
        ])
      : await this.json<Deployment>(deploymentArgs(namespace, name)).then(async (d) => {
          const selector = selectorArgument(d);
          this.selectors.set(key, selector);
          return [d, await this.json<List<ReplicaSet | Pod>>(rolloutPartsArgs(namespace, selector))] as const;
        });
    const items = list.items as ((ReplicaSet | Pod) & { kind?: string })[];
    return {
      deployment,
      replicaSets: items.filter((i) => i.kind === 'ReplicaSet') as ReplicaSet[],
      pods: items.filter((i) => i.kind === 'Pod') as Pod[],
    };
  }

  async setImage(
    namespace: string,
    deployment: string,
    images: Readonly<Record<string, string>>,
  ): Promise<void> {
    await this.run(setImageArgs(namespace, deployment, images), { readOnly: false });
  }

  async annotateChangeCause(namespace: string, deployment: string, cause: string): Promise<void> {
    const args = annotateArgs(namespace, 'deployment', deployment, { [CHANGE_CAUSE_ANNOTATION]: cause });
    if (args) await this.run(args, { readOnly: false });
  }

  async apply(manifests: string): Promise<string[]> {
    if (!manifests.trim()) throw new Error('apply: no manifests given');
    const stdout = await this.run(['apply', '-f', '-'], { readOnly: false, stdin: manifests });
    return stdout.split('\n').filter((line) => line.trim() !== '');
  }

  async patchDeployment(namespace: string, deployment: string, patch: JsonPatch): Promise<void> {
    await this.run(jsonPatchArgs(namespace, 'deployment', deployment, patch), { readOnly: false });
  }

  async deleteDeployment(
    namespace: string,
    name: string,
    timeoutSeconds: number,
  ): Promise<'deleted' | 'absent'> {
    const stdout = await this.run(deleteDeploymentArgs(namespace, name, timeoutSeconds), { readOnly: false });
    return stdout.trim() === '' ? 'absent' : 'deleted';
  }

  async service(namespace: string, name: string): Promise<Service | undefined> {
    try {
      return await this.json<Service>(serviceArgs(namespace, name));
    } catch (error) {
      if (error instanceof ClusterError && error.notFound) return undefined;
      throw error;
    }
  }

  async patchService(namespace: string, name: string, patch: JsonPatch): Promise<void> {
    await this.run(jsonPatchArgs(namespace, 'service', name, patch), { readOnly: false });
  }

  async namespace(name: string): Promise<Namespace | undefined> {
    try {
      return await this.json<Namespace>(namespaceArgs(name));
    } catch (error) {
      if (error instanceof ClusterError && error.notFound) return undefined;
      throw error;
    }
  }

  async namespaces(selector: LabelSelector): Promise<Namespace[]> {
    return (await this.json<List<Namespace>>(namespacesArgs(selector))).items;
  }

  async deleteNamespace(name: string, timeoutSeconds: number): Promise<'deleted' | 'absent'> {
    // kubectl prints nothing for a namespace that was not there (--ignore-not-found).
    const stdout = await this.run(deleteNamespaceArgs(name, timeoutSeconds), { readOnly: false });
    return stdout.trim() === '' ? 'absent' : 'deleted';
  }

  async podEvents(namespace: string, pod: string): Promise<KubeEvent[]> {
    const list = await this.json<List<KubeEvent>>(eventsArgs(namespace, 'Pod', pod));
    return inTimeOrder(list.items);
  }

  containerLogs(
    namespace: string,
    pod: string,
    container: string,
    options: { tailLines: number; previous: boolean },
  ): Promise<string> {
    return this.read(containerLogsArgs(namespace, pod, container, options));
  }
}
