import { renameSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { freeLoopbackPort } from '../../ports.js';
import type { ApiObjects } from '../api/objects.js';
import { findResource } from '../api/resources.js';
import { fromLabelSelectorObject, matchesLabels } from '../api/selectors.js';
import type { KubeObject } from '../api/types.js';
import { podIsReady } from '../controllers/owners.js';
import { podPortAnnotation } from '../runtime/pod-worker.js';

const services = findResource('', 'v1', 'services')!;
const pods = findResource('', 'v1', 'pods')!;

/** Annotation on a Service: JSON map of service port → the loopback port that forwards to its pods. */
export const proxyPortsAnnotation = 'sandbox.k8s-ship/proxy-ports';

export interface ProxiedPort {
  namespace: string;
  service: string;
  port: number;
  proxyPort: number;
  url: string;
}

interface Listener {
  server: Server;
  proxyPort: number;
  sockets: Set<Socket>;
}

/**
 * The sandbox's kube-proxy: every port of every Service with a selector gets a listener on 127.0.0.1 that
 * forwards each TCP connection to one ready pod (round robin). Pods leave the rotation as soon as they are
 * not ready or are terminating, so traffic keeps flowing through a rolling update. New connections with no
 * ready endpoint are reset, as kube-proxy rejects them.
 */
export class ServiceProxy {
  private readonly listeners = new Map<string, Listener>();
  private readonly pending = new Set<string>();
  private turn = 0;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly objects: ApiObjects,
    private readonly stateFile?: string,
  ) {}

  start(): void {
    this.unsubscribe = this.objects.store.subscribe((event) => {
      if (event.resource === '/services') void this.sync();
    });
    void this.sync();
  }

  private key(svc: KubeObject, port: number): string {
    return `${svc.metadata.namespace}/${svc.metadata.name}/${svc.metadata.uid}/${port}`;
  }

  private endpoints(svc: KubeObject): number[] {
    const selector = fromLabelSelectorObject({ matchLabels: svc.spec?.selector ?? {} });
    return this.objects.store
      .list(pods, { namespace: svc.metadata.namespace })
      .filter(
        (p) => matchesLabels(selector, p.metadata.labels) && podIsReady(p) && !p.metadata.deletionTimestamp,
      )
      .map((p) => Number(p.metadata.annotations?.[podPortAnnotation]))
      .filter((port) => port > 0);
  }

  private async sync(): Promise<void> {
    const wanted = new Map<string, { svc: KubeObject; port: number }>();
    for (const svc of this.objects.store.list(services)) {
      if (!svc.spec?.selector || svc.spec.type === 'ExternalName') continue;
      for (const p of svc.spec.ports ?? [])
        if ((p.protocol ?? 'TCP') === 'TCP') wanted.set(this.key(svc, p.port), { svc, port: p.port });
    }
    for (const [key, listener] of this.listeners) {
      if (!wanted.has(key)) {
        this.listeners.delete(key);
        this.close(listener);
      }
    }
    for (const [key, { svc, port }] of wanted) {
      if (this.listeners.has(key) || this.pending.has(key)) continue;
      this.pending.add(key);
      try {
        const recorded = JSON.parse(svc.metadata.annotations?.[proxyPortsAnnotation] ?? '{}')[port];
        this.listeners.set(key, await this.listen(svc, await freeLoopbackPort(recorded)));
      } finally {
        this.pending.delete(key);
      }
    }
    this.record();
  }

  private listen(svc: KubeObject, proxyPort: number): Promise<Listener> {
    const sockets = new Set<Socket>();
    const { namespace, name } = svc.metadata;
    const server = createServer((client) => {
      sockets.add(client);
      client.on('close', () => sockets.delete(client));
      const current = this.objects.store.tryGet(services, namespace, name!);
      const targets = current ? this.endpoints(current) : [];
      if (targets.length === 0) {
        client.resetAndDestroy();
        return;
      }
      const target = targets[this.turn++ % targets.length]!;
      const upstream = createConnection({ host: '127.0.0.1', port: target });
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      client.pipe(upstream).pipe(client);
      const fail = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', fail);
      upstream.on('error', fail);
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(proxyPort, '127.0.0.1', () => resolve({ server, proxyPort, sockets }));
    });
  }

  private close(listener: Listener): void {
    listener.server.close();
    for (const s of listener.sockets) s.destroy();
  }

  ports(): ProxiedPort[] {
    return [...this.listeners].map(([key, l]) => {
      const [namespace, service, , port] = key.split('/');
      return {
        namespace: namespace!,
        service: service!,
        port: Number(port),
        proxyPort: l.proxyPort,
        url: `http://127.0.0.1:${l.proxyPort}`,
      };
    });
  }

  /** Publishes the ports on each Service (annotation) and in the state file that `sandbox status` prints. */
  private record(): void {
    const byService = new Map<string, Record<string, number>>();
    for (const p of this.ports()) {
      const k = `${p.namespace}/${p.service}`;
      byService.set(k, { ...byService.get(k), [p.port]: p.proxyPort });
    }
    for (const [k, map] of byService) {
      const [namespace, name] = k.split('/');
      const svc = this.objects.store.tryGet(services, namespace, name!);
      const value = JSON.stringify(map);
      if (svc && svc.metadata.annotations?.[proxyPortsAnnotation] !== value) {
        svc.metadata.annotations = { ...svc.metadata.annotations, [proxyPortsAnnotation]: value };
        this.objects.store.update(services, svc);
      }
    }
    if (this.stateFile) {
      writeFileSync(`${this.stateFile}.tmp`, `${JSON.stringify(this.ports(), null, 2)}\n`);
      renameSync(`${this.stateFile}.tmp`, this.stateFile);
    }
  }

  stop(): void {
    this.unsubscribe?.();
    for (const listener of this.listeners.values()) this.close(listener);
    this.listeners.clear();
  }
}
