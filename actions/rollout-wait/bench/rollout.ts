/*
 * rollout-wait against `kubectl rollout status` on the sandbox, one run, side by side:
 * 1. detection: a Deployment is set to an image that does not exist; from the moment its new pod reports
 *    ErrImagePull, seconds until our action fails, and until `kubectl rollout status` gives up (at the
 *    progress deadline: Kubernetes' own default, 600 s, unless BENCH_DEADLINE_SECONDS says otherwise);
 *    at the same time, on a second Deployment, the same for a start failure: an entrypoint that does not
 *    exist, from the pod reporting RunContainerError/StartError;
 * 2. rollback: the same broken image again, with rollback on: seconds from the pod reporting it to the
 *    rolled-back Deployment being available, and the action's own figure from undo to available.
 * Prints the figures; docs/benchmarks.md ("Rollout") records a run.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBundledAction, type StepRun } from '../../../runner/src/run-bundle.js';
import { sleep } from '../../../sandbox/src/exec.js';
import { sandboxUp } from '../../../sandbox/src/sandbox.js';
import { beginTestRun, endTestRun } from '../../../sandbox/src/testing.js';
import { SandboxApp } from '../test/sandbox-app.js';

const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const deadlineSeconds = Number(process.env.BENCH_DEADLINE_SECONDS ?? 600);
const BROKEN_IMAGE = new Set(['ErrImagePull', 'ImagePullBackOff']);
const START_FAILURE = new Set([
  'RunContainerError',
  'StartError',
  'CreateContainerError',
  'ContainerCannotRun',
]);

interface ContainerState {
  waiting?: { reason?: string };
  terminated?: { reason?: string };
}

/**
 * Polls the API every 50 ms until a pod with `image` has a container in one of `reasons` (waiting or
 * terminated); returns when (ms). Through the sandbox's `kubectl proxy`, which holds the admin's
 * credentials: the API server itself wants them.
 */
async function podReports(
  app: SandboxApp,
  image: string,
  reasons: ReadonlySet<string>,
  timeoutMs = 60_000,
): Promise<number> {
  const url = `${app.endpoints.kube.proxyUrl}/api/v1/namespaces/${encodeURIComponent(app.namespace)}/pods`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${await response.text()}`);
    const pods = (await response.json()) as {
      items: {
        spec: { containers: { image: string }[] };
        status?: { containerStatuses?: { state?: ContainerState; lastState?: ContainerState }[] };
      }[];
    };
    const seen = (state?: ContainerState) =>
      reasons.has(state?.waiting?.reason ?? '') || reasons.has(state?.terminated?.reason ?? '');
    for (const pod of pods.items) {
      if (pod.spec.containers[0]?.image !== image) continue;
      if (pod.status?.containerStatuses?.some((c) => seen(c.state) || seen(c.lastState))) return Date.now();
    }
    await sleep(50);
  }
  throw new Error(`no pod reported ${[...reasons].join(' or ')} within ${timeoutMs} ms`);
}

/** A way to break a rollout: the change, applied before anything watches, and what its pod then reports. */
interface Breakage {
  /** Applies the change; returns the image of the pods that will report the failure. */
  apply(app: SandboxApp): Promise<string>;
  reasons: ReadonlySet<string>;
}

const missingImage: Breakage = {
  reasons: BROKEN_IMAGE,
  apply: async (app) => {
    await app.setImage(app.images.missing);
    return app.images.missing;
  },
};

const missingEntrypoint: Breakage = {
  reasons: START_FAILURE,
  apply: async (app) => {
    const image = await app.image();
    await app.setCommand('/no/such/entrypoint');
    return image;
  },
};

/**
 * Our action and `kubectl rollout status`, at once, on the same broken rollout (no rollback, so kubectl
 * sees it to the end): seconds from the pod reporting the failure to each one's exit.
 */
async function sideBySide(app: SandboxApp, sshInputs: Record<string, string>, breakage: Breakage) {
  const image = await breakage.apply(app);
  const [ours, theirs, reportedAt] = await Promise.all([
    watchAction({ 'rollback-on-failure': 'false' }, sshInputs, app),
    kubectlRolloutStatus(app),
    podReports(app, image, breakage.reasons),
  ]);
  check(ours.main, 'failed');
  return {
    ours,
    theirs,
    oursS: (ours.endedAt - reportedAt) / 1000,
    theirsS: (theirs.endedAt - reportedAt) / 1000,
  };
}

/** `kubectl rollout status` as users run it after a deploy; resolves with its end time and exit code. */
function kubectlRolloutStatus(
  app: SandboxApp,
): Promise<{ endedAt: number; exitCode: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'kubectl',
      [
        '--namespace',
        app.namespace,
        'rollout',
        'status',
        'deployment/app',
        `--timeout=${deadlineSeconds + 60}s`,
      ],
      { env: { ...process.env, KUBECONFIG: app.endpoints.kube.kubeconfig } },
    );
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ endedAt: Date.now(), exitCode, output: output.trim() }));
  });
}

async function watchAction(
  inputs: Record<string, string>,
  sshInputs: Record<string, string>,
  app: SandboxApp,
) {
  const run = await runBundledAction({
    actionDir,
    node: 'node24',
    inputs: {
      ...sshInputs,
      namespace: app.namespace,
      deployment: 'app',
      timeout: `${deadlineSeconds + 60}s`,
      ...inputs,
    },
    timeoutMs: (deadlineSeconds + 90) * 1000,
  });
  return { main: run.main, endedAt: Date.now() };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

function check(main: StepRun, result: string): void {
  if (main.outputs.result !== result) {
    throw new Error(
      `expected result ${result}, got ${main.outputs.result}; the step's log:\n${main.visibleLog}`,
    );
  }
}

async function main(): Promise<void> {
  // A lease like a test run's: what this run starts is stopped at the end unless someone else uses it.
  const lease = beginTestRun();
  let app: SandboxApp | undefined;
  let second: SandboxApp | undefined;
  try {
    const endpoints = await sandboxUp(['docker', 'registry', 'ssh', 'kube'], { startedBy: 'tests' });
    const { ssh, registry, kube } = endpoints;
    if (!ssh || !registry || !kube)
      throw new Error('the sandbox could not bring up everything (npm run sandbox -- status)');
    const sshInputs = {
      host: ssh.host,
      port: String(ssh.port),
      user: ssh.user,
      'private-key': readFileSync(ssh.privateKeyFile, 'utf8'),
      'host-key': ssh.knownHostsLine,
    };
    app = await SandboxApp.create({ ...endpoints, registry, kube, ssh }, 'rollout-wait-bench');
    second = await SandboxApp.create({ ...endpoints, registry, kube, ssh }, 'rollout-wait-bench-start');
    await Promise.all([app, second].map((a) => a.deployGood({ progressDeadlineSeconds: deadlineSeconds })));
    const goodRevision = await app.revision();

    // 1. Detection, side by side, a missing image and a missing entrypoint on two Deployments at once.
    const [image, start] = await Promise.all([
      sideBySide(app, sshInputs, missingImage),
      sideBySide(second, sshInputs, missingEntrypoint),
    ]);
    const { ours, theirs, oursS, theirsS } = image;

    // Back to the good revision before the second round.
    await app.kubectl(['rollout', 'undo', 'deployment/app', `--to-revision=${goodRevision}`]);
    await app.waitUntilRolledOut();

    // 2. Rollback: from the pod reporting the broken image to the rolled-back Deployment available.
    const previous = await app.revision();
    await app.setImage(app.images.missing);
    const [rolled, reportedAgainAt] = await Promise.all([
      watchAction({ 'previous-revision': String(previous) }, sshInputs, app),
      podReports(app, app.images.missing, BROKEN_IMAGE),
    ]);
    check(rolled.main, 'rolled-back');
    const available = await app.deployment();
    if (
      available.status.availableReplicas !== 1 ||
      available.spec.template.spec.containers[0].image !== app.images.v1
    ) {
      throw new Error(`the Deployment is not back on ${app.images.v1}: ${JSON.stringify(available.status)}`);
    }
    const undoToAvailable = /available again after ([\d.]+) s/.exec(rolled.main.summary)?.[1] ?? '?';

    console.log(
      `rollout-wait benchmark (Node ${process.versions.node} runs the bench; the action runs on Node 24)`,
    );
    console.log(`progressDeadlineSeconds: ${deadlineSeconds}`);
    console.log(
      `kubectl rollout status: ${JSON.stringify(theirs.output.split('\n').at(-1))} (exit ${theirs.exitCode})`,
    );
    console.log(`rollout-wait reason: ${ours.main.outputs.reason}`);
    console.log(
      `kubectl rollout status, start failure: ${JSON.stringify(start.theirs.output.split('\n').at(-1))} (exit ${start.theirs.exitCode})`,
    );
    console.log(`rollout-wait reason, start failure: ${start.ours.main.outputs.reason}`);
    console.table([
      {
        measure: 'pod reports ErrImagePull -> rollout-wait fails',
        seconds: oursS.toFixed(1),
      },
      {
        measure: 'pod reports ErrImagePull -> kubectl rollout status fails',
        seconds: theirsS.toFixed(1),
      },
      { measure: 'ratio kubectl / rollout-wait', seconds: (theirsS / oursS).toFixed(1) },
      { measure: 'pod reports a start failure -> rollout-wait fails', seconds: start.oursS.toFixed(1) },
      {
        measure: 'pod reports a start failure -> kubectl rollout status fails',
        seconds: start.theirsS.toFixed(1),
      },
      {
        measure: 'ratio kubectl / rollout-wait, start failure',
        seconds: (start.theirsS / start.oursS).toFixed(1),
      },
      {
        measure: 'pod reports ErrImagePull -> rolled back and available',
        seconds: seconds(rolled.endedAt - reportedAgainAt),
      },
      { measure: 'rollout undo -> available (the action’s own figure)', seconds: undoToAvailable },
      {
        measure: 'rollout-wait duration-seconds output, rollback run',
        seconds: rolled.main.outputs['duration-seconds'],
      },
    ]);
  } finally {
    await Promise.all([app?.remove(), second?.remove()]);
    await endTestRun(lease);
  }
}

await main();
