import { dockerEngineAnswers, ensureDockerEngine, stopDockerEngine } from './docker-engine.js';
import { endpointsOf, type SandboxEndpoints } from './endpoints.js';
import { withFileLock } from './file-lock.js';
import { kubeIsHealthy, startKube, stopKube } from './kube-process.js';
import { sandboxDir, sandboxPath } from './paths.js';
import { prometheusIsHealthy, reservePrometheusPort, startPrometheus, stopPrometheus } from './prometheus.js';
import { registryIsHealthy, startRegistry, stopRegistry } from './registry.js';
import { cutSshConnections } from './ssh-gate-control.js';
import { sshHostIsHealthy, startSshHost, stopSshHost } from './ssh-host.js';
import {
  type Component,
  components,
  readState,
  type SandboxState,
  type Starter,
  writeState,
} from './state.js';

export { type Component, components, type SandboxEndpoints, type Starter };

export interface UpOptions {
  /** `user` (default) keeps the components until `down`; `tests` lets the test run's teardown stop them. */
  startedBy?: Starter;
  /** A cluster of the user's own (kind, k3d, k3s): used instead of building and starting one. */
  kubeconfig?: string;
  /** Where progress lines go (default: stderr). */
  log?: (line: string) => void;
}

export interface DownOptions {
  /** Stop only the components that this kind of caller started; all of them when absent. */
  startedBy?: Starter;
  /** Stop only these components (default: all). */
  components?: readonly Component[];
}

// The cluster's kubelet pulls from the registry, with credentials its provider reads from it; Prometheus
// discovers its targets through the cluster's API server. The SSH host only needs Prometheus's port, which
// is reserved without starting it, so that SSH-only tests do not bring up a cluster.
const dependencies: Record<Component, Component[]> = {
  docker: [],
  registry: [],
  kube: ['registry'],
  prometheus: ['kube'],
  ssh: [],
};

/** Runs `fn` holding the sandbox's lock: one up or down at a time, across processes. */
export function withSandboxLock<T>(fn: () => Promise<T>): Promise<T> {
  return withFileLock(sandboxPath('sandbox.lock'), fn);
}

export function parseComponents(names: readonly string[]): Component[] {
  for (const name of names) {
    if (!(components as readonly string[]).includes(name)) {
      throw new Error(`unknown sandbox component '${name}': expected one of ${components.join(', ')}`);
    }
  }
  return names as Component[];
}

function withDependencies(wanted: readonly Component[]): Set<Component> {
  const all = new Set<Component>();
  const add = (component: Component) => {
    if (all.has(component)) return;
    all.add(component);
    for (const dependency of dependencies[component]) add(dependency);
  };
  for (const component of wanted) add(component);
  return all;
}

async function isHealthy(state: SandboxState, component: Component): Promise<boolean> {
  switch (component) {
    case 'docker':
      return state.docker !== undefined && dockerEngineAnswers(state.docker.host);
    case 'registry':
      return state.registry !== undefined && registryIsHealthy(state.registry);
    case 'kube':
      return state.kube !== undefined && kubeIsHealthy(state.kube);
    case 'prometheus':
      return (
        state.prometheus !== undefined &&
        state.prometheus.apiServer === state.kube?.url &&
        prometheusIsHealthy(state.prometheus)
      );
    case 'ssh':
      // sshd that permits forwards to another port than Prometheus now has must be started again.
      return (
        state.ssh !== undefined &&
        (state.prometheus === undefined || state.prometheus.port === state.ssh.prometheusPort) &&
        sshHostIsHealthy(state.ssh)
      );
  }
}

/** Starts `component` into `state`; `previous` is its last record, whose ports it tries to keep. */
async function start(
  state: SandboxState,
  previous: SandboxState,
  component: Component,
  startedBy: Starter,
  options: UpOptions,
): Promise<void> {
  switch (component) {
    case 'docker': {
      const engine = await ensureDockerEngine();
      state.docker = { ...engine, startedBy };
      return;
    }
    case 'registry':
      state.registry = await startRegistry(previous.registry, startedBy);
      return;
    case 'kube':
      state.kube = await startKube(previous.kube, state.registry!, startedBy, {
        ...(options.kubeconfig !== undefined && { externalKubeconfig: options.kubeconfig }),
        ...(options.log !== undefined && { log: options.log }),
      });
      return;
    case 'prometheus':
      state.prometheus = await startPrometheus(previous.prometheus, state.kube!, startedBy, options.log);
      return;
    case 'ssh':
      // The node's kubectl is the cluster's own release when the sandbox built it.
      state.ssh = await startSshHost(
        previous.ssh,
        startedBy,
        state.prometheus?.port ?? (await reservePrometheusPort()),
        state.kube?.external === false ? state.kube.binaries.kubectlDir : undefined,
      );
      return;
  }
}

async function stop(state: SandboxState, component: Component): Promise<void> {
  if (component === 'docker' && state.docker) await stopDockerEngine(state.docker);
  if (component === 'registry' && state.registry) await stopRegistry(state.registry);
  if (component === 'kube' && state.kube) await stopKube(state.kube);
  if (component === 'prometheus' && state.prometheus) await stopPrometheus(state.prometheus);
  if (component === 'ssh' && state.ssh) await stopSshHost(state.ssh);
  delete state[component];
}

/**
 * Brings up the given components (and what they need) unless they already run; idempotent, and safe to
 * call from several processes at once.
 */
export async function sandboxUp(
  wanted: readonly Component[] = components,
  options: UpOptions = {},
): Promise<SandboxEndpoints> {
  const startedBy = options.startedBy ?? 'user';
  return withSandboxLock(async () => {
    const state = readState();
    const all = withDependencies(wanted);
    for (const component of components) {
      if (!all.has(component)) continue;
      const record = state[component];
      if (record && (await isHealthy(state, component))) {
        // A person who asks for a component takes it over from a test run, so teardown leaves it up.
        if (startedBy === 'user') record.startedBy = 'user';
        continue;
      }
      // A component that died leaves stray parts (a session, a socket): clear them before restarting.
      const previous = { ...state };
      if (record) await stop(state, component);
      try {
        await start(state, previous, component, startedBy, options);
      } finally {
        writeState(state);
      }
    }
    writeState(state);
    return endpointsOf(state, sandboxDir());
  });
}

/** Stops what the sandbox started (everything, or only what `startedBy` started), dependants first. */
export async function sandboxDown(options: DownOptions = {}): Promise<void> {
  await withSandboxLock(() => downUnlocked(options));
}

/** sandboxDown for callers that already hold the sandbox lock. */
export async function downUnlocked(options: DownOptions = {}): Promise<void> {
  const state = readState();
  for (const component of [...components].reverse()) {
    const record = state[component];
    if (!record || (options.startedBy && record.startedBy !== options.startedBy)) continue;
    if (options.components && !options.components.includes(component)) continue;
    await stop(state, component);
    writeState(state);
  }
}

export type ComponentHealth = 'up' | 'down' | 'failed';

export interface SandboxStatus {
  components: Record<Component, ComponentHealth>;
  endpoints: SandboxEndpoints;
}

/** What runs, what was started but died (`failed`), and the endpoints of what runs. */
export async function sandboxStatus(): Promise<SandboxStatus> {
  const state = readState();
  const health = {} as Record<Component, ComponentHealth>;
  const running: SandboxState = {};
  for (const component of components) {
    if (!state[component]) health[component] = 'down';
    else if (await isHealthy(state, component)) {
      health[component] = 'up';
      Object.assign(running, { [component]: state[component] });
    } else health[component] = 'failed';
  }
  return { components: health, endpoints: endpointsOf(running, sandboxDir()) };
}

/** The endpoints of the components that run now. */
export async function readEndpoints(): Promise<SandboxEndpoints> {
  return (await sandboxStatus()).endpoints;
}

/** Endpoints narrowed to the components a caller asked for, failing loudly when one is missing. */
export function requireComponents<C extends Component>(
  endpoints: SandboxEndpoints,
  wanted: readonly C[],
): SandboxEndpoints & Required<Pick<SandboxEndpoints, C>> {
  for (const component of wanted) {
    if (!endpoints[component]) {
      throw new Error(`the sandbox has no ${component}: it did not come up (npm run sandbox -- status)`);
    }
  }
  return endpoints as SandboxEndpoints & Required<Pick<SandboxEndpoints, C>>;
}

/**
 * Fault switch: drops every live SSH connection to the SSH host, as a broken network link would, and
 * returns how many there were. New connections work right after.
 */
export async function cutSshSessions(): Promise<number> {
  const { ssh } = readState();
  if (!ssh || !(await sshHostIsHealthy(ssh)))
    throw new Error('the sandbox SSH host is not running: bring up ssh');
  return cutSshConnections(ssh.gateControlSocket);
}
