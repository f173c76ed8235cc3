import type { IncomingMessage, ServerResponse } from 'node:http';
import { freeLoopbackPort } from '../../ports.js';
import { badRequest } from '../api/errors.js';
import type { LogOptions, PodLogSource } from '../api/server.js';
import type { ObjectStore } from '../api/store.js';
import type { KubeObject } from '../api/types.js';
import { type KubeletContext, PodWorker } from './pod-worker.js';

/**
 * The sandbox's one node: starts a PodWorker for every pod that appears, stops it gracefully when the pod
 * is deleted, and serves `pods/log` from Docker.
 */
export class Kubelet implements PodLogSource {
  private readonly workers = new Map<string, PodWorker>();
  private readonly stopping = new Set<Promise<void>>();
  /** Pods being admitted (a port being found): stop() waits for them, so none starts after it. */
  private readonly admitting = new Set<Promise<void>>();
  private closed = false;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly ctx: KubeletContext) {}

  private get store(): ObjectStore {
    return this.ctx.objects.store;
  }

  start(): void {
    this.unsubscribe = this.store.subscribe((event) => {
      if (event.resource !== '/pods') return;
      const pod = event.object;
      const uid = pod.metadata.uid!;
      if (event.type === 'ADDED' && !this.workers.has(uid)) {
        const admitted = this.admit(pod).finally(() => this.admitting.delete(admitted));
        this.admitting.add(admitted);
      } else if (event.type === 'DELETED') this.stopWorker(uid, 0, false);
      else if (pod.metadata.deletionTimestamp)
        this.stopWorker(uid, pod.metadata.deletionGracePeriodSeconds ?? 30, true);
    });
  }

  private async admit(pod: KubeObject): Promise<void> {
    const uid = pod.metadata.uid!;
    const port = await freeLoopbackPort();
    if (this.closed || this.workers.has(uid)) return;
    const worker = new PodWorker(this.ctx, pod, port);
    this.workers.set(uid, worker);
    worker.start();
  }

  private stopWorker(uid: string, graceSeconds: number, removeFromApi: boolean): void {
    const worker = this.workers.get(uid);
    if (!worker) return;
    const done = worker
      .terminate(graceSeconds, removeFromApi)
      .catch((error) => console.error(`kubelet: stopping pod ${uid} failed`, error))
      .finally(() => {
        this.workers.delete(uid);
        this.stopping.delete(done);
      });
    this.stopping.add(done);
  }

  /** Stops every container of this sandbox instance (by its label) and waits for pods being stopped. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.closed = true;
    await Promise.all([...this.admitting]);
    for (const uid of [...this.workers.keys()]) this.stopWorker(uid, 0, false);
    await Promise.all([...this.stopping]);
    const left = await this.ctx.docker.containersLabelled(`k8s-ship.sandbox=${this.ctx.instanceId}`);
    await this.ctx.docker.remove(left);
  }

  async streamLogs(
    pod: KubeObject,
    options: LogOptions,
    res: ServerResponse,
    req: IncomingMessage,
  ): Promise<void> {
    const worker = this.workers.get(pod.metadata.uid!);
    const id = worker?.containerId(options.container, options.previous);
    if (!id) {
      const reason = pod.status?.containerStatuses?.find(
        (s: { name: string }) => s.name === options.container,
      )?.state?.waiting?.reason;
      throw badRequest(
        options.previous
          ? `previous terminated container "${options.container}" in pod "${pod.metadata.name}" not found`
          : `container "${options.container}" in pod "${pod.metadata.name}" is waiting to start: ${reason ?? 'ContainerCreating'}`,
      );
    }
    const abort = new AbortController();
    req.on('close', () => abort.abort());
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    await this.ctx.docker.logs(id, options, res, abort.signal);
    res.end();
  }
}
