import type { ApiObjects } from '../api/objects.js';
import { DeploymentController } from './deployment.js';
import { EventRecorder } from './events.js';
import { HorizontalPodAutoscalerController } from './horizontal-pod-autoscaler.js';
import { ReplicaSetController } from './replicaset.js';

const watched = new Set([
  'apps/deployments',
  'apps/replicasets',
  '/pods',
  '/namespaces',
  'autoscaling/horizontalpodautoscalers',
]);

/**
 * Runs the controllers: after any change to the objects they watch (coalesced into one pass), and on a
 * short tick for what only time changes (progress deadlines, minReadySeconds, namespace cleanup, the
 * HPA's resync).
 */
export class ControllerManager {
  readonly events: EventRecorder;
  private readonly deployments: DeploymentController;
  private readonly replicaSets: ReplicaSetController;
  private readonly autoscalers: HorizontalPodAutoscalerController;
  private pending = false;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly objects: ApiObjects) {
    this.events = new EventRecorder(objects);
    this.deployments = new DeploymentController(objects, this.events);
    this.replicaSets = new ReplicaSetController(objects, this.events);
    this.autoscalers = new HorizontalPodAutoscalerController(objects, this.events);
  }

  start(tickMs = 500): void {
    this.unsubscribe = this.objects.store.subscribe((event) => {
      if (watched.has(event.resource)) this.schedule();
    });
    this.timer = setInterval(() => this.schedule(), tickMs);
    this.schedule();
  }

  stop(): void {
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      try {
        this.autoscalers.syncAll();
        this.deployments.syncAll();
        this.replicaSets.syncAll();
        this.objects.finalizeNamespaces();
      } catch (error) {
        console.error('kube controllers: sync failed', error);
      }
    });
  }
}
