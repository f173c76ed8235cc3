import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../../runner/src/paths.js';

const execFileAsync = promisify(execFile);

export interface KubeObject {
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    generation?: number;
  };
  spec?: Record<string, unknown> & { replicas?: number };
  status?: Record<string, unknown>;
}

export interface Deployment extends KubeObject {
  spec: { replicas?: number; template: { spec: { containers: { name: string; image: string }[] } } };
  status: { replicas?: number; availableReplicas?: number; updatedReplicas?: number };
}

/** The real kubectl against the sandbox's API, as a person would run it: what a real cluster would show. */
export class Kubectl {
  constructor(private readonly kubeconfig: string) {}

  async run(args: readonly string[], timeoutMs = 120_000): Promise<string> {
    const { stdout } = await execFileAsync('kubectl', [...args], {
      env: { ...process.env, KUBECONFIG: this.kubeconfig },
      cwd: repoRoot,
      timeout: timeoutMs,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  }

  async json<T = KubeObject>(args: readonly string[]): Promise<T> {
    return JSON.parse(await this.run([...args, '--output', 'json'])) as T;
  }

  /** The items of a `kubectl get KINDS` list. */
  async list(namespace: string, kinds: string): Promise<KubeObject[]> {
    return (await this.json<{ items: KubeObject[] }>(['get', kinds, '--namespace', namespace])).items;
  }

  async deployment(namespace: string, name: string): Promise<Deployment> {
    return this.json<Deployment>(['get', 'deployment', name, '--namespace', namespace]);
  }

  /** `kubectl wait --for=condition=Available`: throws when the Deployment is not available in time. */
  async waitAvailable(namespace: string, name: string, timeout = '60s'): Promise<void> {
    await this.run([
      'wait',
      '--for=condition=Available',
      `deployment/${name}`,
      '--namespace',
      namespace,
      `--timeout=${timeout}`,
    ]);
  }

  /** An overlay as kustomize renders it, without a cluster: what the pipeline applies on a first deploy. */
  async render(overlay: string): Promise<KubeObject[]> {
    const yaml = await this.run(['kustomize', overlay]);
    return parseAllDocuments(yaml).map((document) => document.toJS() as KubeObject);
  }

  /** Whether the object exists (and is not being deleted away: a terminating namespace counts as there). */
  async exists(kind: string, name: string): Promise<boolean> {
    const found = await this.run(['get', kind, name, '--ignore-not-found', '--output', 'name']);
    return found.trim() !== '';
  }

  async deleteNamespaces(namespaces: readonly string[]): Promise<void> {
    if (namespaces.length === 0) return;
    await this.run(['delete', 'namespace', ...namespaces, '--ignore-not-found', '--timeout=120s'], 150_000);
  }
}
