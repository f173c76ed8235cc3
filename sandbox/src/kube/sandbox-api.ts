import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Faults } from './api/faults.js';
import { ApiObjects } from './api/objects.js';
import { findResource } from './api/resources.js';
import { ApiServer } from './api/server.js';
import { ObjectStore } from './api/store.js';
import { WatchRegistry } from './api/watch.js';
import { ControllerManager } from './controllers/manager.js';
import { ServiceProxy } from './proxy/service-proxy.js';
import { DockerCli } from './runtime/docker.js';
import { Kubelet } from './runtime/kubelet.js';
import { nodeDockerConfigDir } from './runtime/node-credentials.js';

export interface SandboxApiOptions {
  port: number;
  /** Where ready.json, services.json and per-pod scratch files go (DIR/kube). */
  kubeDir: string;
  /** Without a Docker engine pods are stored but never run (and are deleted at once). */
  dockerHost?: string;
  backoffMs?: number;
  maxBackoffMs?: number;
}

/** The API server with its store, controllers, pod runtime and service proxy. */
export class SandboxApi {
  readonly store = new ObjectStore();
  readonly watches = new WatchRegistry();
  readonly objects: ApiObjects;
  readonly controllers: ControllerManager;
  /** Labels every container this instance starts: `k8s-ship.sandbox=<instanceId>`. */
  readonly instanceId = randomBytes(4).toString('hex');
  readonly kubelet: Kubelet | undefined;
  readonly proxy: ServiceProxy;
  private server: Server | undefined;

  constructor(private readonly options: SandboxApiOptions) {
    this.objects = new ApiObjects(this.store, { gracefulPods: options.dockerHost !== undefined });
    this.controllers = new ControllerManager(this.objects);
    this.proxy = new ServiceProxy(this.objects, join(options.kubeDir, 'services.json'));
    if (options.dockerHost) {
      this.kubelet = new Kubelet({
        objects: this.objects,
        events: this.controllers.events,
        docker: new DockerCli(options.dockerHost),
        instanceId: this.instanceId,
        podsDir: join(options.kubeDir, 'pods'),
        nodeDockerConfigDir: nodeDockerConfigDir(options.kubeDir),
        backoffMs: options.backoffMs ?? 10_000,
        maxBackoffMs: options.maxBackoffMs ?? 300_000,
      });
    }
    this.store.subscribe((event) => {
      // Every namespace gets its `default` service account, as the service account controller makes it.
      if (event.type === 'ADDED' && event.resource === '/namespaces') {
        const sa = findResource('', 'v1', 'serviceaccounts')!;
        const ns = event.object.metadata.name!;
        queueMicrotask(() => {
          if (!this.store.tryGet(sa, ns, 'default')) {
            this.objects.create(sa, ns, {
              apiVersion: 'v1',
              kind: 'ServiceAccount',
              metadata: { name: 'default' },
            });
          }
        });
      }
    });
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease'])
      this.objects.ensureNamespace(ns);
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('the sandbox API is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<void> {
    const faults = new Faults({
      dropWatches: () => this.watches.dropAll(),
      compact: () => this.store.compact(),
    });
    const api = new ApiServer({
      objects: this.objects,
      watches: this.watches,
      faults,
      logs: this.kubelet,
      sandboxInfo: () => ({ instanceId: this.instanceId, services: this.proxy.ports() }),
    });
    this.server = await api.listen(this.options.port);
    this.kubelet?.start();
    this.controllers.start();
    this.proxy.start();
  }

  async stop(): Promise<void> {
    this.controllers.stop();
    this.proxy.stop();
    await this.kubelet?.stop();
    this.watches.dropAll();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
