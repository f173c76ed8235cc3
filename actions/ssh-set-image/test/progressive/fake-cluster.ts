import { createHash } from 'node:crypto';
import type { Deployment, ReplicaSet, Service } from '../../../lib/src/kubectl/index.js';
import type { DeployTarget, JsonPatch, RolloutSnapshot } from '../../../lib/src/target/index.js';
import type { AnalysisSettings } from '../../src/progressive/analysis.js';

/*
 * A unit-test stand-in for the cluster behind DeployTarget: Deployments that become ready at once (unless
 * told otherwise), one ReplicaSet per template (hashed by its images), Services whose selectors take JSON
 * patches, and a log of the writes. The real cluster runs in progressive.itg.test.ts.
 */

export { FakeClock } from '../../../lib/test/fakes/clock.js';

const hashOf = (images: string) => createHash('sha256').update(images).digest('hex').slice(0, 10);

export class FakeCluster implements DeployTarget {
  readonly deployments = new Map<string, Deployment>();
  readonly services = new Map<string, Service>();
  readonly writes: string[] = [];
  /** Deployments whose pods never become ready. */
  readonly neverReady = new Set<string>();

  constructor(stable: { name: string; replicas: number; image: string }) {
    this.deployments.set(stable.name, {
      metadata: {
        name: stable.name,
        namespace: 'prod',
        uid: `${stable.name}-uid`,
        generation: 1,
        labels: { app: stable.name },
      },
      spec: {
        replicas: stable.replicas,
        selector: { matchLabels: { app: stable.name } },
        template: {
          metadata: { labels: { app: stable.name } },
          spec: { containers: [{ name: stable.name, image: stable.image }] },
        },
      },
    });
    this.bump(stable.name);
    this.services.set(stable.name, {
      metadata: { name: stable.name },
      spec: { selector: { app: stable.name } },
    });
  }

  image(name: string): string | undefined {
    return this.deployments.get(name)?.spec.template.spec.containers[0]?.image;
  }

  hash(name: string): string {
    return hashOf(JSON.stringify(this.deployments.get(name)?.spec.template));
  }

  /** The controller's part: a new generation, observed, with its revision and ready replicas. */
  private bump(name: string, newRevision = false): void {
    const d = this.deployments.get(name) as Deployment;
    const revision =
      Number(d.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0) +
      (newRevision || !d.status ? 1 : 0);
    const want = d.spec.replicas ?? 1;
    const ready = this.neverReady.has(name) ? 0 : want;
    d.metadata.annotations = {
      ...d.metadata.annotations,
      'deployment.kubernetes.io/revision': String(revision),
    };
    d.status = {
      observedGeneration: d.metadata.generation ?? 1,
      replicas: want,
      updatedReplicas: want,
      readyReplicas: ready,
      availableReplicas: ready,
      ...(ready < want && {
        conditions: [
          {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: `${name} has timed out progressing`,
          },
        ],
      }),
    };
  }

  async deployment(_namespace: string, name: string): Promise<Deployment | undefined> {
    const d = this.deployments.get(name);
    return d && structuredClone(d);
  }

  async replicaSetsOf(_namespace: string, deployment: Deployment): Promise<ReplicaSet[]> {
    const name = deployment.metadata.name;
    const d = this.deployments.get(name) as Deployment;
    const hash = this.hash(name);
    return [
      {
        metadata: {
          name: `${name}-${hash}`,
          labels: { 'pod-template-hash': hash },
          annotations: {
            'deployment.kubernetes.io/revision':
              d.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? '1',
          },
        },
        spec: { selector: d.spec.selector, template: d.spec.template },
      },
    ];
  }

  async snapshot(_namespace: string, name: string): Promise<RolloutSnapshot> {
    const d = this.deployments.get(name) as Deployment;
    const pods = Array.from({ length: d.spec.replicas ?? 0 }, (_, i) => ({
      metadata: { name: `${name}-${this.hash(name)}-${i}` },
      spec: { containers: d.spec.template.spec.containers },
    }));
    return { deployment: structuredClone(d), replicaSets: [], pods };
  }

  async setImage(_namespace: string, name: string, images: Readonly<Record<string, string>>): Promise<void> {
    this.writes.push(`set image ${name} ${Object.values(images).join(',')}`);
    const d = this.deployments.get(name) as Deployment;
    for (const c of d.spec.template.spec.containers) c.image = images[c.name] ?? c.image;
    d.metadata.generation = (d.metadata.generation ?? 1) + 1;
    this.bump(name, true);
  }

  async annotateChangeCause(_namespace: string, name: string, cause: string): Promise<void> {
    this.writes.push(`annotate ${name} ${cause}`);
  }

  async apply(manifests: string): Promise<string[]> {
    const d = JSON.parse(manifests) as Deployment;
    this.writes.push(`apply ${d.metadata.name} replicas=${d.spec.replicas}`);
    this.deployments.set(d.metadata.name, { ...d, metadata: { ...d.metadata, generation: 1 } });
    this.bump(d.metadata.name);
    return [`deployment.apps/${d.metadata.name} created`];
  }

  async patchDeployment(_namespace: string, name: string, patch: JsonPatch): Promise<void> {
    this.writes.push(`patch ${name} ${JSON.stringify(patch)}`);
    const d = this.deployments.get(name) as Deployment;
    for (const op of patch) if (op.path === '/spec/replicas') d.spec.replicas = op.value as number;
    d.metadata.generation = (d.metadata.generation ?? 1) + 1;
    this.bump(name);
  }

  async deleteDeployment(_namespace: string, name: string): Promise<'deleted' | 'absent'> {
    this.writes.push(`delete ${name}`);
    return this.deployments.delete(name) ? 'deleted' : 'absent';
  }

  async service(_namespace: string, name: string): Promise<Service | undefined> {
    const s = this.services.get(name);
    return s && structuredClone(s);
  }

  async patchService(_namespace: string, name: string, patch: JsonPatch): Promise<void> {
    this.writes.push(`patch service ${JSON.stringify(patch)}`);
    const selector = (this.services.get(name) as Service).spec.selector as Record<string, string>;
    for (const op of patch) {
      const key = op.path.replace('/spec/selector/', '');
      if (op.op === 'remove') delete selector[key];
      else selector[key] = op.value as string;
    }
  }

  /** Which Deployments' pods the Service sends traffic to now. */
  serving(name: string): string[] {
    const selector = (this.services.get(name) as Service).spec.selector ?? {};
    return [...this.deployments.keys()].filter((d) => {
      const labels = {
        ...this.deployments.get(d)?.spec.template.metadata?.labels,
        'pod-template-hash': this.hash(d),
      };
      return (
        (this.deployments.get(d)?.spec.replicas ?? 0) > 0 &&
        Object.entries(selector).every(([k, v]) => labels[k as keyof typeof labels] === v)
      );
    });
  }

  namespace(): never {
    throw new Error('not used');
  }
  namespaces(): never {
    throw new Error('not used');
  }
  deleteNamespace(): never {
    throw new Error('not used');
  }
  podEvents(): never {
    throw new Error('not used');
  }
  containerLogs(): never {
    throw new Error('not used');
  }
  until(): DeployTarget {
    return this;
  }
}

/** The analysis settings the unit tests judge by: 1 % errors, 500 ms p99, 50 requests. */
export const testAnalysisSettings: AnalysisSettings = {
  maxErrorRatio: 0.01,
  maxP99Seconds: 0.5,
  minRequests: 50,
  requestsMetric: 'http_requests_total',
  statusLabel: 'status_code',
  durationMetric: 'http_request_duration_seconds',
  filter: 'route!~"/health|/ready|/metrics"',
};
