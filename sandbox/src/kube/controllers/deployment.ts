import type { ApiObjects } from '../api/objects.js';
import { findResource } from '../api/resources.js';
import { isoNow, type KubeObject } from '../api/types.js';
import type { EventRecorder } from './events.js';
import { condition, controllerRef, isControlledBy } from './owners.js';
import { maxUnavailable, surgeAndUnavailable } from './rollout-math.js';
import { sameTemplate, templateHash } from './template-hash.js';

const deployments = findResource('apps', 'v1', 'deployments')!;
const replicaSets = findResource('apps', 'v1', 'replicasets')!;
const pods = findResource('', 'v1', 'pods')!;

const revisionKey = 'deployment.kubernetes.io/revision';
const revisionHistoryKey = 'deployment.kubernetes.io/revision-history';
const desiredKey = 'deployment.kubernetes.io/desired-replicas';
const maxKey = 'deployment.kubernetes.io/max-replicas';
/** Annotations of the Deployment that are not copied onto its ReplicaSets. */
const notCopied = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  revisionKey,
  revisionHistoryKey,
  desiredKey,
  maxKey,
  'deprecated.deployment.rollback.to',
]);

// biome-ignore lint/suspicious/noExplicitAny: conditions are open-ended JSON
type Condition = any;

function revisionOf(rs: KubeObject): number {
  return Number(rs.metadata.annotations?.[revisionKey] ?? 0) || 0;
}

function specReplicas(rs: KubeObject): number {
  return rs.spec?.replicas ?? 0;
}

function sum(list: KubeObject[], read: (rs: KubeObject) => number): number {
  return list.reduce((n, rs) => n + read(rs), 0);
}

/**
 * The Deployment controller: one ReplicaSet per pod template (named by pod-template-hash), rolling updates
 * within maxSurge/maxUnavailable, revisions and change-cause on ReplicaSets, the Progressing and Available
 * conditions with their real reasons, progress deadlines, and pruning to revisionHistoryLimit.
 */
export class DeploymentController {
  constructor(
    private readonly objects: ApiObjects,
    private readonly events: EventRecorder,
  ) {}

  syncAll(): void {
    for (const d of this.objects.store.list(deployments)) this.sync(d);
  }

  private replicaSetsOf(d: KubeObject): KubeObject[] {
    return this.objects.store
      .list(replicaSets, { namespace: d.metadata.namespace })
      .filter((rs) => isControlledBy(rs, d));
  }

  sync(deployment: KubeObject): void {
    if (deployment.metadata.deletionTimestamp) return;
    const d = deployment;
    const all = this.replicaSetsOf(d);
    let newRS = all.find((rs) => sameTemplate(rs.spec?.template, d.spec.template));
    const olds = all.filter((rs) => rs !== newRS);
    const maxOldRevision = Math.max(0, ...olds.map(revisionOf));
    let progressReason: { reason: string; message: string } | undefined;
    if (d.spec.paused) {
      this.updateStatus(d, newRS, olds, undefined);
      return;
    }
    if (!newRS) {
      newRS = this.createReplicaSet(d, maxOldRevision + 1);
      progressReason = {
        reason: 'NewReplicaSetCreated',
        message: `Created new replica set "${newRS.metadata.name}"`,
      };
    } else {
      newRS = this.syncReplicaSetAnnotations(d, newRS, maxOldRevision);
      if (!condition(d, 'Progressing')) {
        progressReason = {
          reason: 'FoundNewReplicaSet',
          message: `Found new replica set "${newRS.metadata.name}"`,
        };
      }
    }
    this.setDeploymentRevision(d, revisionOf(newRS));
    if (d.spec.strategy?.type === 'Recreate') this.recreate(d, newRS, olds);
    else this.rollingUpdate(d, newRS, olds);
    this.cleanup(d, newRS);
    const fresh = this.replicaSetsOf(d);
    const freshNew = fresh.find((rs) => rs.metadata.uid === newRS!.metadata.uid);
    this.updateStatus(
      d,
      freshNew,
      fresh.filter((rs) => rs !== freshNew),
      progressReason,
    );
  }

  private copiedAnnotations(d: KubeObject): Record<string, string> {
    return Object.fromEntries(
      Object.entries(d.metadata.annotations ?? {}).filter(([k]) => !notCopied.has(k)),
    );
  }

  private createReplicaSet(d: KubeObject, revision: number): KubeObject {
    const hash = templateHash(d.spec.template);
    const template = structuredClone(d.spec.template);
    template.metadata = {
      ...template.metadata,
      labels: { ...template.metadata?.labels, 'pod-template-hash': hash },
    };
    const selector = structuredClone(d.spec.selector);
    selector.matchLabels = { ...selector.matchLabels, 'pod-template-hash': hash };
    const rs = this.objects.create(replicaSets, d.metadata.namespace, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        labels: { ...template.metadata.labels },
        annotations: {
          ...this.copiedAnnotations(d),
          [desiredKey]: String(d.spec.replicas),
          [maxKey]: String(d.spec.replicas + surgeAndUnavailable(d.spec.strategy, d.spec.replicas)[0]),
          [revisionKey]: String(revision),
        },
        ownerReferences: [controllerRef(d)],
      },
      spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
    });
    return rs;
  }

  /** A template that comes back (rollout undo) moves its ReplicaSet to the newest revision. */
  private syncReplicaSetAnnotations(d: KubeObject, rs: KubeObject, maxOldRevision: number): KubeObject {
    const annotations = { ...rs.metadata.annotations, ...this.copiedAnnotations(d) };
    const current = revisionOf(rs);
    if (current <= maxOldRevision) {
      const history = annotations[revisionHistoryKey];
      annotations[revisionHistoryKey] = history ? `${history},${current}` : String(current);
      annotations[revisionKey] = String(maxOldRevision + 1);
    }
    const minReadySeconds = d.spec.minReadySeconds ?? 0;
    if (
      JSON.stringify(annotations) === JSON.stringify(rs.metadata.annotations) &&
      (rs.spec.minReadySeconds ?? 0) === minReadySeconds
    ) {
      return rs;
    }
    return this.objects.store.update(replicaSets, {
      ...rs,
      metadata: { ...rs.metadata, annotations },
      spec: { ...rs.spec, minReadySeconds },
    });
  }

  private setDeploymentRevision(d: KubeObject, revision: number): void {
    if (d.metadata.annotations?.[revisionKey] === String(revision)) return;
    const current = this.objects.store.get(deployments, d.metadata.namespace, d.metadata.name!);
    current.metadata.annotations = { ...current.metadata.annotations, [revisionKey]: String(revision) };
    this.objects.store.update(deployments, current);
  }

  private scale(d: KubeObject, rs: KubeObject, replicas: number): KubeObject {
    const from = specReplicas(rs);
    if (from === replicas) return rs;
    const current = this.objects.store.get(replicaSets, rs.metadata.namespace, rs.metadata.name!);
    current.spec.replicas = replicas;
    current.metadata.annotations = {
      ...current.metadata.annotations,
      [desiredKey]: String(d.spec.replicas),
      [maxKey]: String(d.spec.replicas + surgeAndUnavailable(d.spec.strategy, d.spec.replicas)[0]),
    };
    const updated = this.objects.store.update(replicaSets, current);
    const direction = replicas > from ? 'up' : 'down';
    this.events.record(
      d,
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${direction} replica set ${rs.metadata.name} from ${from} to ${replicas}`,
      'deployment-controller',
    );
    return updated;
  }

  private rollingUpdate(d: KubeObject, newRS: KubeObject, olds: KubeObject[]): void {
    const replicas: number = d.spec.replicas;
    const [surge, unavailable] = surgeAndUnavailable(d.spec.strategy, replicas);
    // Scale the new ReplicaSet up as far as maxSurge allows.
    let current = specReplicas(newRS) + sum(olds, specReplicas);
    if (specReplicas(newRS) > replicas) newRS = this.scale(d, newRS, replicas);
    else if (specReplicas(newRS) < replicas && current < replicas + surge) {
      const up = Math.min(replicas + surge - current, replicas - specReplicas(newRS));
      newRS = this.scale(d, newRS, specReplicas(newRS) + up);
    }
    // Scale old ReplicaSets down as far as maxUnavailable allows, unhealthy pods first.
    const oldCount = sum(olds, specReplicas);
    if (oldCount === 0) return;
    current = specReplicas(newRS) + oldCount;
    const minAvailable = replicas - Math.min(unavailable, replicas);
    const newUnavailable = specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
    let budget = current - minAvailable - newUnavailable;
    if (budget <= 0) return;
    const byAge = [...olds].sort((a, b) =>
      (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''),
    );
    const scaled = new Map<string, number>();
    for (const rs of byAge) {
      if (budget <= 0) break;
      const unhealthy = specReplicas(rs) - (rs.status?.availableReplicas ?? 0);
      if (unhealthy <= 0) continue;
      const down = Math.min(unhealthy, budget);
      budget -= down;
      scaled.set(rs.metadata.uid!, specReplicas(rs) - down);
    }
    const after = (rs: KubeObject) => scaled.get(rs.metadata.uid!) ?? specReplicas(rs);
    const available =
      (newRS.status?.availableReplicas ?? 0) +
      sum(olds, (rs) => Math.min(rs.status?.availableReplicas ?? 0, after(rs)));
    let down = Math.min(budget, available - minAvailable);
    for (const rs of byAge) {
      if (down <= 0) break;
      const cut = Math.min(after(rs), down);
      down -= cut;
      scaled.set(rs.metadata.uid!, after(rs) - cut);
    }
    for (const rs of olds) if (scaled.has(rs.metadata.uid!)) this.scale(d, rs, scaled.get(rs.metadata.uid!)!);
  }

  private recreate(d: KubeObject, newRS: KubeObject, olds: KubeObject[]): void {
    for (const rs of olds) if (specReplicas(rs) > 0) this.scale(d, rs, 0);
    const oldPodsLeft =
      olds.some((rs) => (rs.status?.replicas ?? 0) > 0) ||
      this.objects.store
        .list(pods, { namespace: d.metadata.namespace })
        .some((p) => olds.some((rs) => isControlledBy(p, rs)));
    if (!oldPodsLeft) this.scale(d, newRS, d.spec.replicas);
  }

  /** Deletes the oldest idle ReplicaSets beyond revisionHistoryLimit. */
  private cleanup(d: KubeObject, newRS: KubeObject): void {
    const limit = d.spec.revisionHistoryLimit ?? 10;
    const idle = this.replicaSetsOf(d)
      .filter(
        (rs) =>
          rs.metadata.uid !== newRS.metadata.uid &&
          specReplicas(rs) === 0 &&
          (rs.status?.replicas ?? 0) === 0,
      )
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
      this.objects.delete(replicaSets, rs.metadata.namespace, rs.metadata.name!, {
        propagationPolicy: 'Background',
      });
    }
  }

  private updateStatus(
    d: KubeObject,
    newRS: KubeObject | undefined,
    olds: KubeObject[],
    progress?: { reason: string; message: string },
  ): void {
    const current = this.objects.store.tryGet(deployments, d.metadata.namespace, d.metadata.name!);
    if (!current) return;
    const all = newRS ? [newRS, ...olds] : olds;
    const replicas: number = current.spec.replicas;
    const status = {
      replicas: sum(all, (rs) => rs.status?.replicas ?? 0),
      updatedReplicas: newRS?.status?.replicas ?? 0,
      readyReplicas: sum(all, (rs) => rs.status?.readyReplicas ?? 0),
      availableReplicas: sum(all, (rs) => rs.status?.availableReplicas ?? 0),
      unavailableReplicas: 0,
    };
    status.unavailableReplicas = Math.max(0, sum(all, specReplicas) - status.availableReplicas);
    const now = isoNow();
    const previous: Condition[] = current.status?.conditions ?? [];
    const find = (type: string) => previous.find((c) => c.type === type);
    const next = (
      type: string,
      state: string,
      reason: string,
      message: string,
      refreshUpdate: boolean,
    ): Condition => {
      const old = find(type);
      if (old && old.status === state && old.reason === reason && !refreshUpdate) return { ...old, message };
      return {
        type,
        status: state,
        lastUpdateTime: now,
        lastTransitionTime: old && old.status === state ? old.lastTransitionTime : now,
        reason,
        message,
      };
    };
    const available =
      status.availableReplicas >= replicas - maxUnavailable(current.spec.strategy, replicas)
        ? next('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', false)
        : next(
            'Available',
            'False',
            'MinimumReplicasUnavailable',
            'Deployment does not have minimum availability.',
            false,
          );
    let progressing = find('Progressing');
    const name = newRS?.metadata.name ?? '';
    const complete =
      status.updatedReplicas === replicas &&
      status.replicas === replicas &&
      status.availableReplicas === replicas;
    const oldStatus = current.status ?? {};
    const progressed =
      status.updatedReplicas > (oldStatus.updatedReplicas ?? 0) ||
      status.replicas < (oldStatus.replicas ?? 0) ||
      status.readyReplicas > (oldStatus.readyReplicas ?? 0) ||
      status.availableReplicas > (oldStatus.availableReplicas ?? 0);
    const deadline = current.spec.progressDeadlineSeconds;
    if (current.spec.paused) {
      progressing = next('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused', false);
    } else if (complete && newRS) {
      progressing = next(
        'Progressing',
        'True',
        'NewReplicaSetAvailable',
        `ReplicaSet "${name}" has successfully progressed.`,
        false,
      );
    } else if (progress) {
      progressing = next('Progressing', 'True', progress.reason, progress.message, true);
    } else if (progressed && newRS) {
      progressing = next(
        'Progressing',
        'True',
        'ReplicaSetUpdated',
        `ReplicaSet "${name}" is progressing.`,
        true,
      );
    } else if (
      progressing &&
      deadline !== undefined &&
      progressing.reason !== 'NewReplicaSetAvailable' &&
      progressing.reason !== 'ProgressDeadlineExceeded' &&
      Date.now() > Date.parse(progressing.lastUpdateTime) + deadline * 1000
    ) {
      progressing = next(
        'Progressing',
        'False',
        'ProgressDeadlineExceeded',
        `ReplicaSet "${name}" has timed out progressing.`,
        true,
      );
      this.events.record(
        current,
        'Warning',
        'ProgressDeadlineExceeded',
        `ReplicaSet "${name}" has timed out progressing.`,
        'deployment-controller',
      );
    }
    const conditions = [available, ...(progressing ? [progressing] : [])];
    const omitZero = Object.fromEntries(Object.entries(status).filter(([, v]) => v !== 0));
    this.objects.store.update(
      deployments,
      { ...current, status: { observedGeneration: current.metadata.generation, ...omitZero, conditions } },
      'status',
    );
  }
}
