import { ageOf } from './age.js';
import type { ResourceType } from './resources.js';
import type { KubeObject } from './types.js';

/** The meta.k8s.io/v1 Table that `kubectl get` asks for: the server decides the columns, as a real one does. */
export interface TableColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

// biome-ignore lint/suspicious/noExplicitAny: rows read open-ended JSON
type Any = any;
type Cell = string | number;

interface Printer {
  columns: [name: string, type: string, priority?: number, format?: string][];
  row(o: Any): Cell[];
}

function podStatus(pod: Any): {
  reason: string;
  ready: number;
  total: number;
  restarts: number;
  lastRestart?: string;
} {
  const statuses: Any[] = pod.status?.containerStatuses ?? [];
  let reason: string = pod.status?.reason || pod.status?.phase || 'Pending';
  let ready = 0;
  let restarts = 0;
  let lastRestart: string | undefined;
  let running = false;
  for (const s of statuses) {
    restarts += s.restartCount ?? 0;
    const finished = s.lastState?.terminated?.finishedAt;
    if (finished && (!lastRestart || finished > lastRestart)) lastRestart = finished;
  }
  for (const s of [...statuses].reverse()) {
    if (s.state?.waiting?.reason) reason = s.state.waiting.reason;
    else if (s.state?.terminated?.reason) reason = s.state.terminated.reason;
    else if (s.state?.terminated) {
      reason = s.state.terminated.signal
        ? `Signal:${s.state.terminated.signal}`
        : `ExitCode:${s.state.terminated.exitCode}`;
    } else if (s.state?.running && s.ready) {
      running = true;
      ready++;
    }
  }
  if (reason === 'Completed' && running) reason = 'Running';
  if (pod.metadata.deletionTimestamp) reason = 'Terminating';
  return { reason, ready, total: pod.spec?.containers?.length ?? 0, restarts, lastRestart };
}

function containersOf(template: Any): { names: string; images: string } {
  const containers: Any[] = template?.spec?.containers ?? [];
  return { names: containers.map((c) => c.name).join(','), images: containers.map((c) => c.image).join(',') };
}

function selectorString(selector: Any): string {
  if (!selector) return '<none>';
  const parts = Object.entries(selector.matchLabels ?? selector).map(([k, v]) => `${k}=${v}`);
  return parts.length ? parts.join(',') : '<none>';
}

function servicePorts(svc: Any): string {
  const ports: Any[] = svc.spec?.ports ?? [];
  if (!ports.length) return '<none>';
  return ports
    .map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`))
    .join(',');
}

const age: Printer['columns'][number] = ['Age', 'string'];

/** formatHPAMetrics: "cpu: 6%/80%", or <unknown> while a metric has no current value; two at most. */
function hpaTargets(hpa: Any): string {
  const specs: Any[] = hpa.spec?.metrics ?? [];
  if (specs.length === 0) return '<none>';
  const statuses: Any[] = hpa.status?.currentMetrics ?? [];
  const shown = specs.slice(0, 2).map((spec, i) => {
    const key = String(spec.type ?? '').replace(/^./, (c) => c.toLowerCase());
    const source = spec[key] ?? {};
    const current = statuses[i]?.[key]?.current ?? {};
    const label = source.name ?? source.metric?.name ?? key;
    const target = source.target ?? {};
    if (target.averageUtilization !== undefined || target.type === 'Utilization') {
      const now = current.averageUtilization !== undefined ? `${current.averageUtilization}%` : '<unknown>';
      const want = target.averageUtilization !== undefined ? `${target.averageUtilization}%` : '<auto>';
      return `${label}: ${now}/${want}`;
    }
    const field = target.averageValue !== undefined ? 'averageValue' : 'value';
    return `${label}: ${current[field] ?? '<unknown>'}/${target[field] ?? '<unset>'}`;
  });
  const more = specs.length - shown.length;
  return more > 0 ? `${shown.join(', ')} + ${more} more...` : shown.join(', ');
}

const printers: Record<string, Printer> = {
  Pod: {
    columns: [
      ['Name', 'string', 0, 'name'],
      ['Ready', 'string'],
      ['Status', 'string'],
      ['Restarts', 'string'],
      age,
      ['IP', 'string', 1],
      ['Node', 'string', 1],
      ['Nominated Node', 'string', 1],
      ['Readiness Gates', 'string', 1],
    ],
    row(pod) {
      const s = podStatus(pod);
      const restarts =
        s.restarts > 0 && s.lastRestart ? `${s.restarts} (${ageOf(s.lastRestart)} ago)` : String(s.restarts);
      return [
        pod.metadata.name,
        `${s.ready}/${s.total}`,
        s.reason,
        restarts,
        ageOf(pod.metadata.creationTimestamp),
        pod.status?.podIP ?? '<none>',
        pod.spec?.nodeName ?? '<none>',
        '<none>',
        '<none>',
      ];
    },
  },
  Deployment: {
    columns: [
      ['Name', 'string', 0, 'name'],
      ['Ready', 'string'],
      ['Up-to-date', 'integer'],
      ['Available', 'integer'],
      age,
      ['Containers', 'string', 1],
      ['Images', 'string', 1],
      ['Selector', 'string', 1],
    ],
    row(d) {
      const c = containersOf(d.spec?.template);
      return [
        d.metadata.name,
        `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
        d.status?.updatedReplicas ?? 0,
        d.status?.availableReplicas ?? 0,
        ageOf(d.metadata.creationTimestamp),
        c.names,
        c.images,
        selectorString(d.spec?.selector),
      ];
    },
  },
  ReplicaSet: {
    columns: [
      ['Name', 'string', 0, 'name'],
      ['Desired', 'integer'],
      ['Current', 'integer'],
      ['Ready', 'integer'],
      age,
      ['Containers', 'string', 1],
      ['Images', 'string', 1],
      ['Selector', 'string', 1],
    ],
    row(rs) {
      const c = containersOf(rs.spec?.template);
      return [
        rs.metadata.name,
        rs.spec?.replicas ?? 0,
        rs.status?.replicas ?? 0,
        rs.status?.readyReplicas ?? 0,
        ageOf(rs.metadata.creationTimestamp),
        c.names,
        c.images,
        selectorString(rs.spec?.selector),
      ];
    },
  },
  Service: {
    columns: [
      ['Name', 'string', 0, 'name'],
      ['Type', 'string'],
      ['Cluster-IP', 'string'],
      ['External-IP', 'string'],
      ['Port(s)', 'string'],
      age,
      ['Selector', 'string', 1],
    ],
    row(svc) {
      return [
        svc.metadata.name,
        svc.spec?.type ?? 'ClusterIP',
        svc.spec?.clusterIP ?? '<none>',
        '<none>',
        servicePorts(svc),
        ageOf(svc.metadata.creationTimestamp),
        selectorString(svc.spec?.selector),
      ];
    },
  },
  HorizontalPodAutoscaler: {
    columns: [
      ['Name', 'string', 0, 'name'],
      ['Reference', 'string'],
      ['Targets', 'string'],
      ['MinPods', 'string'],
      ['MaxPods', 'integer'],
      ['Replicas', 'integer'],
      age,
    ],
    row: (hpa) => [
      hpa.metadata.name,
      `${hpa.spec?.scaleTargetRef?.kind ?? ''}/${hpa.spec?.scaleTargetRef?.name ?? ''}`,
      hpaTargets(hpa),
      hpa.spec?.minReplicas === undefined ? '<unset>' : String(hpa.spec.minReplicas),
      hpa.spec?.maxReplicas ?? 0,
      hpa.status?.currentReplicas ?? 0,
      ageOf(hpa.metadata.creationTimestamp),
    ],
  },
  Namespace: {
    columns: [['Name', 'string', 0, 'name'], ['Status', 'string'], age],
    row: (ns) => [ns.metadata.name, ns.status?.phase ?? 'Active', ageOf(ns.metadata.creationTimestamp)],
  },
  ConfigMap: {
    columns: [['Name', 'string', 0, 'name'], ['Data', 'integer'], age],
    row: (cm) => [
      cm.metadata.name,
      Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length,
      ageOf(cm.metadata.creationTimestamp),
    ],
  },
  Secret: {
    columns: [['Name', 'string', 0, 'name'], ['Type', 'string'], ['Data', 'integer'], age],
    row: (s) => [
      s.metadata.name,
      s.type ?? 'Opaque',
      Object.keys(s.data ?? {}).length,
      ageOf(s.metadata.creationTimestamp),
    ],
  },
  Event: {
    columns: [
      ['Last Seen', 'string'],
      ['Type', 'string'],
      ['Reason', 'string'],
      ['Object', 'string'],
      ['Subobject', 'string', 1],
      ['Source', 'string', 1],
      ['Message', 'string'],
      ['First Seen', 'string', 1],
      ['Count', 'string', 1],
      ['Name', 'string', 1, 'name'],
    ],
    row(e) {
      const io = e.involvedObject ?? {};
      return [
        ageOf(e.lastTimestamp ?? e.eventTime),
        e.type ?? '',
        e.reason ?? '',
        `${String(io.kind ?? '').toLowerCase()}/${io.name ?? ''}`,
        io.fieldPath ?? '',
        e.source?.component ?? '',
        e.message ?? '',
        ageOf(e.firstTimestamp ?? e.eventTime),
        String(e.count ?? 1),
        e.metadata.name,
      ];
    },
  },
};

const generic: Printer = {
  columns: [['Name', 'string', 0, 'name'], age],
  row: (o) => [o.metadata.name, ageOf(o.metadata.creationTimestamp)],
};

function partialMetadata(object: KubeObject): Record<string, unknown> {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata };
}

export function toTable(
  type: ResourceType,
  objects: KubeObject[],
  resourceVersion: string,
  options: { withColumns: boolean; includeObject: string | null },
): Record<string, unknown> {
  const printer = printers[type.kind] ?? generic;
  const columnDefinitions: TableColumn[] = printer.columns.map(([name, kind, priority = 0, format = '']) => ({
    name,
    type: kind,
    format,
    description: name,
    priority,
  }));
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: options.withColumns ? columnDefinitions : [],
    rows: objects.map((o) => ({
      cells: printer.row(o),
      ...(options.includeObject === 'None'
        ? {}
        : { object: options.includeObject === 'Object' ? o : partialMetadata(o) }),
    })),
  };
}
