import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '../api/errors.js';
import type { ApiObjects } from '../api/objects.js';
import { findResource } from '../api/resources.js';
import { isoNow, type KubeObject } from '../api/types.js';
import type { EventRecorder, EventType } from '../controllers/events.js';
import {
  ContainerConfigError,
  containerEnv,
  isValidImageReference,
  pullCredentials,
} from './container-config.js';
import type { DockerCli } from './docker.js';
import { runPreStopHook } from './lifecycle-hooks.js';
import { nodeCredentialsIn } from './node-credentials.js';
import { type ContainerRun, podStatus } from './pod-status.js';
import { runProbe } from './probes.js';

const pods = findResource('', 'v1', 'pods')!;

// biome-ignore lint/suspicious/noExplicitAny: container specs are open-ended JSON
type Any = any;

export interface KubeletContext {
  objects: ApiObjects;
  events: EventRecorder;
  docker: DockerCli;
  instanceId: string;
  /** Per-pod scratch directories (registry credentials) live under here. */
  podsDir: string;
  /** The node's own registry credentials (a Docker config folder), used with or without pull secrets. */
  nodeDockerConfigDir?: string;
  backoffMs: number;
  maxBackoffMs: number;
}

/** The annotation on a pod that records its loopback port, its stand-in for a pod IP. */
export const podPortAnnotation = 'sandbox.k8s-ship/port';

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

function dockerTime(value: string | undefined): string {
  const parsed = value ? Date.parse(value) : Number.NaN;
  return Number.isNaN(parsed) || parsed <= 0 ? isoNow() : isoNow(new Date(parsed));
}

function seconds(ms: number): string {
  return ms % 60_000 === 0 && ms >= 60_000 ? `${ms / 60_000}m0s` : `${Math.round(ms / 100) / 10}s`;
}

/** Runs one pod's containers on the Docker engine and reports their state, as a kubelet does for its node. */
export class PodWorker {
  private readonly abort = new AbortController();
  private readonly runs: ContainerRun[];
  private readonly containerIds = new Set<string>();
  private readonly startTime = isoNow();
  private terminating = false;
  private finished: Promise<void> | undefined;
  private pullConfig: Promise<string | undefined> | undefined;
  readonly uid: string;

  constructor(
    private readonly ctx: KubeletContext,
    private pod: KubeObject,
    readonly port: number,
  ) {
    this.uid = pod.metadata.uid!;
    this.runs = (pod.spec?.containers ?? []).map((c: Any) => ({
      name: c.name,
      image: c.image,
      imageID: '',
      restartCount: 0,
      state: { waiting: { reason: 'ContainerCreating' } },
      lastState: {},
      ready: false,
      started: false,
      everStarted: false,
    }));
  }

  private get podRef(): string {
    return `${this.pod.metadata.name}_${this.pod.metadata.namespace}(${this.uid})`;
  }

  private event(type: EventType, reason: string, message: string, container?: string): void {
    this.ctx.events.record(
      this.pod,
      type,
      reason,
      message,
      'kubelet',
      container ? `spec.containers{${container}}` : undefined,
    );
  }

  private current(): KubeObject | undefined {
    const found = this.ctx.objects.store.tryGet(pods, this.pod.metadata.namespace, this.pod.metadata.name!);
    return found?.metadata.uid === this.uid ? found : undefined;
  }

  private publish(): void {
    const pod = this.current();
    if (!pod) return;
    this.pod = pod;
    try {
      this.ctx.objects.store.update(
        pods,
        { ...pod, status: podStatus(pod, this.runs, this.startTime, this.terminating) },
        'status',
      );
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
    }
  }

  /** Binds the pod to the sandbox node, records its port, and starts its containers. */
  start(): void {
    const pod = this.current();
    if (!pod) return;
    pod.spec.nodeName = 'sandbox';
    pod.metadata.annotations = { ...pod.metadata.annotations, [podPortAnnotation]: String(this.port) };
    this.pod = this.ctx.objects.store.update(pods, pod);
    this.ctx.events.record(
      this.pod,
      'Normal',
      'Scheduled',
      `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to sandbox`,
      'default-scheduler',
    );
    this.publish();
    const specs: Any[] = this.pod.spec.containers;
    this.finished = Promise.all(specs.map((spec, i) => this.containerLoop(spec, this.runs[i]!))).then(
      () => undefined,
    );
  }

  private async containerLoop(spec: Any, run: ContainerRun): Promise<void> {
    const signal = this.abort.signal;
    const { backoffMs, maxBackoffMs } = this.ctx;
    let crashBackoff = 0;
    while (!signal.aborted) {
      if (!isValidImageReference(spec.image)) {
        const message = `Failed to apply default image tag "${spec.image}": couldn't parse image name "${spec.image}": invalid reference format`;
        run.state = { waiting: { reason: 'InvalidImageName', message } };
        this.publish();
        this.event('Warning', 'InspectFailed', message, spec.name);
        this.event('Warning', 'Failed', 'Error: InvalidImageName', spec.name);
        await sleep(maxBackoffMs, signal);
        continue;
      }
      let env: Record<string, string>;
      try {
        env = containerEnv(this.ctx.objects.store, this.pod, spec);
      } catch (error) {
        if (!(error instanceof ContainerConfigError)) throw error;
        run.state = { waiting: { reason: 'CreateContainerConfigError', message: error.message } };
        this.publish();
        this.event('Warning', 'Failed', `Error: ${error.message}`, spec.name);
        await sleep(backoffMs, signal);
        continue;
      }
      if (!(await this.ensureImage(spec, run, signal))) continue;
      if (signal.aborted) break;
      const id = await this.startContainer(spec, run, env);
      if (id === undefined) {
        await sleep(backoffMs, signal);
        continue;
      }
      const exited = this.ctx.docker.wait(id);
      const probing = new AbortController();
      const probes = this.probeLoop(spec, run, id, probing.signal);
      const exitCode = await exited;
      probing.abort();
      await probes;
      const info = await this.ctx.docker.inspect(id);
      run.ready = false;
      run.started = false;
      const terminated = {
        exitCode,
        reason: info?.oomKilled ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error',
        startedAt: dockerTime(info?.startedAt),
        finishedAt: dockerTime(info?.finishedAt),
        containerID: `docker://${id}`,
      };
      run.state = { terminated };
      this.publish();
      if (signal.aborted) break;
      const policy = this.pod.spec.restartPolicy ?? 'Always';
      if (policy === 'Never' || (policy === 'OnFailure' && exitCode === 0)) break;
      run.lastState = { terminated };
      // The first restart is immediate; after that the kubelet backs off, doubling up to a ceiling.
      if (crashBackoff > 0) {
        run.state = {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: `back-off ${seconds(crashBackoff)} restarting failed container=${spec.name} pod=${this.podRef}`,
          },
        };
        this.publish();
        this.event(
          'Warning',
          'BackOff',
          `Back-off restarting failed container ${spec.name} in pod ${this.podRef}`,
          spec.name,
        );
        await sleep(crashBackoff, signal);
      }
      crashBackoff = crashBackoff === 0 ? backoffMs : Math.min(crashBackoff * 2, maxBackoffMs);
      if (signal.aborted) break;
      run.restartCount++;
    }
  }

  private pullConfigDir(): Promise<string | undefined> {
    this.pullConfig ??= (async () => {
      const { credentials, missing } = pullCredentials(this.ctx.objects.store, this.pod);
      if (missing.length > 0) {
        this.event(
          'Warning',
          'FailedToRetrieveImagePullSecret',
          `Unable to retrieve some image pull secrets (${missing.join(', ')}); attempting to pull the image may not succeed.`,
        );
      }
      const node = nodeCredentialsIn(this.ctx.nodeDockerConfigDir);
      if (credentials.length === 0) return node;
      const dir = join(this.ctx.podsDir, this.uid, 'docker-config');
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      // Like the kubelet, the pod's secrets add to the node's credentials (and win for the same registry).
      if (node) copyFileSync(join(node, 'config.json'), join(dir, 'config.json'));
      for (const c of credentials) await this.ctx.docker.login(dir, c.registry, c.username, c.password);
      return dir;
    })();
    return this.pullConfig;
  }

  /** Makes sure the image is on the engine, reporting ErrImagePull / ImagePullBackOff while it is not. */
  private async ensureImage(spec: Any, run: ContainerRun, signal: AbortSignal): Promise<boolean> {
    const image: string = spec.image;
    const policy = spec.imagePullPolicy ?? 'IfNotPresent';
    const present = await this.ctx.docker.imageId(image);
    if (present && policy !== 'Always') {
      if (!run.imageID)
        this.event('Normal', 'Pulled', `Container image "${image}" already present on machine`, spec.name);
      run.imageID = present;
      return true;
    }
    if (!present && policy === 'Never') {
      const message = `Container image "${image}" is not present with pull policy of Never`;
      run.state = { waiting: { reason: 'ErrImageNeverPull', message } };
      this.publish();
      this.event('Warning', 'ErrImageNeverPull', message, spec.name);
      await sleep(this.ctx.backoffMs, signal);
      return false;
    }
    this.event('Normal', 'Pulling', `Pulling image "${image}"`, spec.name);
    const started = Date.now();
    try {
      await this.ctx.docker.pull(image, await this.pullConfigDir());
      run.imageID = (await this.ctx.docker.imageId(image)) ?? '';
      this.event(
        'Normal',
        'Pulled',
        `Successfully pulled image "${image}" in ${seconds(Date.now() - started)}`,
        spec.name,
      );
      run.pullBackoff = 0;
      return true;
    } catch (error) {
      const message = `failed to pull image "${image}": ${(error as Error).message}`;
      run.state = { waiting: { reason: 'ErrImagePull', message } };
      this.publish();
      this.event(
        'Warning',
        'Failed',
        `Failed to pull image "${image}": ${(error as Error).message}`,
        spec.name,
      );
      this.event('Warning', 'Failed', 'Error: ErrImagePull', spec.name);
      // ErrImagePull shows until the next sync; then the kubelet waits out a growing back-off.
      await sleep(Math.min(this.ctx.backoffMs, 1000), signal);
      run.pullBackoff = run.pullBackoff
        ? Math.min(run.pullBackoff * 2, this.ctx.maxBackoffMs)
        : this.ctx.backoffMs;
      run.state = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` } };
      this.publish();
      this.event('Normal', 'BackOff', `Back-off pulling image "${image}"`, spec.name);
      this.event('Warning', 'Failed', 'Error: ImagePullBackOff', spec.name);
      await sleep(run.pullBackoff, signal);
      return false;
    }
  }

  private async startContainer(
    spec: Any,
    run: ContainerRun,
    env: Record<string, string>,
  ): Promise<string | undefined> {
    const security = { ...this.pod.spec.securityContext, ...spec.securityContext };
    const command: string[] = spec.command ?? [];
    const user =
      security.runAsUser !== undefined
        ? `${security.runAsUser}${security.runAsGroup !== undefined ? `:${security.runAsGroup}` : ''}`
        : undefined;
    const name = `k8s-ship-kube-${this.ctx.instanceId}-${this.pod.metadata.namespace}-${this.pod.metadata.name}-${spec.name}-${run.restartCount}`;
    try {
      await this.ctx.docker.remove([name]);
      const id = await this.ctx.docker.runDetached({
        name,
        image: spec.image,
        labels: {
          'k8s-ship.sandbox': this.ctx.instanceId,
          'io.kubernetes.pod.uid': this.uid,
          'io.kubernetes.pod.name': this.pod.metadata.name!,
          'io.kubernetes.pod.namespace': this.pod.metadata.namespace!,
          'io.kubernetes.container.name': spec.name,
        },
        // Host networking: the pod's "IP" is a loopback port. LISTEN_ADDRESS keeps a server that would bind
        // every interface (its pod's own, on a real node) on loopback here, so no pod port is open beyond it.
        env: { ...env, PORT: String(this.port), LISTEN_ADDRESS: '127.0.0.1' },
        entrypoint: command[0],
        args: [...command.slice(1), ...(spec.args ?? [])],
        user,
        workdir: spec.workingDir,
        readOnlyRootFilesystem: security.readOnlyRootFilesystem === true,
        dropAllCapabilities: (security.capabilities?.drop ?? []).includes('ALL'),
        noNewPrivileges: security.allowPrivilegeEscalation === false,
      });
      // Keep the current and the previous instance (for `logs --previous`); older ones go.
      const keep = new Set([id, run.lastState.terminated?.containerID?.replace('docker://', '')]);
      const stale = [...this.containerIds].filter(
        (c) => !keep.has(c) && !this.runs.some((r) => r.containerID === `docker://${c}`),
      );
      for (const c of stale) this.containerIds.delete(c);
      await this.ctx.docker.remove(stale);
      this.containerIds.add(id);
      if (this.abort.signal.aborted) {
        await this.ctx.docker.stop(id, 0);
        return id;
      }
      this.event('Normal', 'Created', `Created container ${spec.name}`, spec.name);
      this.event('Normal', 'Started', `Started container ${spec.name}`, spec.name);
      const info = await this.ctx.docker.inspect(id);
      run.containerID = `docker://${id}`;
      run.state = { running: { startedAt: dockerTime(info?.startedAt) } };
      run.started = true;
      run.everStarted = true;
      run.ready = !spec.readinessProbe;
      this.publish();
      return id;
    } catch (error) {
      const message = (error as Error).message.split('\n').pop() ?? String(error);
      run.state = { waiting: { reason: 'RunContainerError', message } };
      this.publish();
      this.event('Warning', 'Failed', `Error: ${message}`, spec.name);
      return undefined;
    }
  }

  /** Readiness and liveness probes of one running container, until it exits. */
  private async probeLoop(spec: Any, run: ContainerRun, id: string, signal: AbortSignal): Promise<void> {
    const loop = async (probe: Any, kind: 'Readiness' | 'Liveness') => {
      await sleep((probe.initialDelaySeconds ?? 0) * 1000, signal);
      let successes = 0;
      let failures = 0;
      while (!signal.aborted && !this.abort.signal.aborted) {
        const result = await runProbe(probe, this.port, this.ctx.docker, id);
        if (signal.aborted) return;
        if (result.ok) {
          successes++;
          failures = 0;
        } else {
          failures++;
          successes = 0;
          this.event('Warning', 'Unhealthy', `${kind} probe failed: ${result.message}`, spec.name);
        }
        if (kind === 'Readiness') {
          const ready = result.ok
            ? successes >= (probe.successThreshold ?? 1) || run.ready
            : failures < (probe.failureThreshold ?? 3) && run.ready;
          if (ready !== run.ready) {
            run.ready = ready;
            this.publish();
          }
        } else if (failures >= (probe.failureThreshold ?? 3)) {
          this.event(
            'Normal',
            'Killing',
            `Container ${spec.name} failed liveness probe, will be restarted`,
            spec.name,
          );
          await this.ctx.docker.stop(id, this.pod.spec.terminationGracePeriodSeconds ?? 30);
          return;
        }
        await sleep((probe.periodSeconds ?? 10) * 1000, signal);
      }
    };
    await Promise.all([
      spec.readinessProbe ? loop(spec.readinessProbe, 'Readiness') : undefined,
      spec.livenessProbe ? loop(spec.livenessProbe, 'Liveness') : undefined,
    ]);
  }

  /**
   * Each container's preStop hook, then SIGTERM, SIGKILL when the grace period (preStop included) is over,
   * then the pod leaves the API. As the kubelet does, SIGTERM gets at least 2 s after a long preStop.
   */
  async terminate(graceSeconds: number, removeFromApi: boolean): Promise<void> {
    if (this.terminating) return;
    this.terminating = true;
    this.publish();
    this.abort.abort();
    const deadline = Date.now() + graceSeconds * 1000;
    const specs: Any[] = this.pod.spec?.containers ?? [];
    await Promise.all(
      this.runs.map(async (run, i) => {
        if (!run.state.running || !run.containerID) return;
        const id = run.containerID.replace('docker://', '');
        this.event('Normal', 'Killing', `Stopping container ${run.name}`, run.name);
        const hook = specs[i]?.lifecycle?.preStop;
        if (hook && graceSeconds > 0) {
          const outcome = await runPreStopHook(hook, this.port, this.ctx.docker, id, deadline - Date.now());
          if (!outcome.ok) this.event('Warning', 'FailedPreStopHook', outcome.message, run.name);
        }
        const left = graceSeconds > 0 ? Math.max(2, Math.ceil((deadline - Date.now()) / 1000)) : 0;
        await this.ctx.docker.stop(id, left);
      }),
    );
    await this.finished;
    await this.ctx.docker.remove([...this.containerIds]);
    rmSync(join(this.ctx.podsDir, this.uid), { recursive: true, force: true });
    if (removeFromApi && this.current()) {
      try {
        this.ctx.objects.store.remove(pods, this.pod.metadata.namespace, this.pod.metadata.name!);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
      }
    }
  }

  /** The Docker id of a container's current (or previous) instance, for `kubectl logs [--previous]`. */
  containerId(name: string, previous: boolean): string | undefined {
    const run = this.runs.find((r) => r.name === name);
    if (!run) return undefined;
    const id = previous
      ? run.lastState.terminated?.containerID
      : (run.containerID ?? run.lastState.terminated?.containerID);
    return id?.replace('docker://', '');
  }
}
