import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type OutputLine, runBundledAction, type StepRun } from '../../../runner/src/run-bundle.js';
import { sleep } from '../../../sandbox/src/exec.js';
import { cutSshSessions } from '../../../sandbox/src/sandbox.js';
import { useSandbox } from '../../../sandbox/src/testing.js';
import { type StallRelay, startStallRelay } from '../../lib/test/ssh/stall-relay.js';
import { SandboxApp } from './sandbox-app.js';

/*
 * The real rollout-wait bundle under Node 24, as the runner runs it, watching real rollouts on the
 * sandbox's real Kubernetes: kubectl on the "control-plane node" over SSH (real sshd, pinned host key) as
 * the deploy user, pods run by a real kubelet from images pulled from the sandbox registry. Each failure
 * scenario ends rolled back, so the next one starts from a good Deployment.
 */

const actionDir = join(dirname(fileURLToPath(import.meta.url)), '..');
let app: SandboxApp;
let sshInputs: Record<string, string>;

beforeAll(async () => {
  const endpoints = await useSandbox(['docker', 'registry', 'ssh', 'kube']);
  const { ssh } = endpoints;
  sshInputs = {
    host: ssh.host,
    port: String(ssh.port),
    user: ssh.user,
    'private-key': readFileSync(ssh.privateKeyFile, 'utf8'),
    'host-key': ssh.knownHostsLine,
  };
  app = await SandboxApp.create(endpoints, 'rollout-wait-itg');
  await app.deployGood();
});

afterAll(async () => {
  await app?.remove();
});

function watch(
  inputs: Record<string, string> = {},
  whileRunning?: () => Promise<void>,
  onOutput?: (line: OutputLine) => void,
): Promise<StepRun> {
  const step = runBundledAction({
    onOutput,
    actionDir,
    node: 'node24',
    inputs: {
      ...sshInputs,
      namespace: app.namespace,
      deployment: 'app',
      timeout: '90s',
      'rollback-timeout': '60s',
      'crash-loop-restarts': '1',
      'readiness-timeout': '5s',
      ...inputs,
    },
    timeoutMs: 115_000,
  }).then((r) => r.main);
  return whileRunning ? Promise.all([step, whileRunning()]).then(([main]) => main) : step;
}

/** Checks the result output, showing the step's whole log when it is not the one expected. */
function expectResult(main: StepRun, result: string): void {
  if (main.outputs.result !== result) {
    throw new Error(
      `expected result ${result}, got ${main.outputs.result} (exit code ${main.exitCode}); the step's log:\n${main.visibleLog}`,
    );
  }
}

async function expectRolledBackTo(image: string): Promise<void> {
  expect(await app.image()).toBe(image);
  const d = await app.deployment();
  expect(d.status.availableReplicas).toBe(1);
  expect(d.status.updatedReplicas).toBe(1);
}

describe('rollout-wait on the sandbox, over SSH', () => {
  it('follows a good rollout to the end and reports the new revision', async () => {
    await app.setImage(app.images.v2);
    const main = await watch();
    expectResult(main, 'succeeded');
    expect(main.exitCode).toBe(0);
    expect(main.outputs).toMatchObject({ result: 'succeeded', revision: String(await app.revision()) });
    expect(Number(main.outputs['duration-seconds'])).toBeGreaterThan(0);
    expect(main.stdout).toMatch(/app: 1\/1 new pods, 1 ready, 1 available\n/);
    expect(main.summary).toContain('<h2>deployment/app in rollout-wait-itg rolled out</h2>');
    expect(main.visibleLog).not.toContain('BEGIN OPENSSH PRIVATE KEY');
  });

  it('fails fast on an image that does not exist and rolls back to the recorded revision', async () => {
    const good = await app.revision();
    await app.setImage(app.images.missing);
    const main = await watch({ 'previous-revision': String(good) });
    expect(main.exitCode).toBe(1);
    expectResult(main, 'rolled-back');
    expect(main.outputs.reason).toMatch(
      /^(ErrImagePull|ImagePullBackOff) in pod app-\w+-\w+, container web: /,
    );
    expect(main.errors.join('\n')).toContain('the rollout of deployment/app failed');
    expect(main.summary).toContain('Failed to pull image');
    expect(main.summary).toContain('No logs of app-');
    expect(main.summary).toContain(`to revision ${good}, available again after`);
    await expectRolledBackTo(app.images.v2);
    expect(main.outputs.revision).toBe(String(await app.revision()));
  });

  it('fails on an image that exits at start, showing its last log lines escaped', async () => {
    await app.setImage(app.images.crash);
    const main = await watch();
    expectResult(main, 'rolled-back');
    expect(main.outputs.reason).toMatch(
      /^CrashLoopBackOff in pod app-\w+-\w+, container web: restarted 1 time; last exit code 3 \(Error\)/,
    );
    expect(main.summary).toContain('(previous instance)');
    expect(main.summary).toContain('fatal: DATABASE_URL is not set &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(main.summary).not.toContain('<script>');
    await expectRolledBackTo(app.images.v2);
  });

  it('fails within seconds on an entrypoint that does not exist, naming the runtime’s reason', async () => {
    const started = Date.now();
    await app.setCommand('/no/such/entrypoint');
    const main = await watch({ 'crash-loop-restarts': '5' });
    expectResult(main, 'rolled-back');
    expect(main.outputs.reason).toMatch(
      /^(RunContainerError|StartError|CreateContainerError) in pod app-\w+-\w+, container web: .*\/no\/such\/entrypoint.*no such file or directory/,
    );
    // Before: the progress deadline (600 s) or the timeout, blaming "1 old replicas pending termination".
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(main.summary).toContain('Events of pod app-');
    const container = (await app.deployment()).spec.template.spec.containers[0];
    expect(container.command).toBeUndefined();
  });

  it('says what it waits for while a new pod is not ready, at least every 10 s', async () => {
    await app.setEnv('NOT_READY=1', 'VERSION=5');
    const main = await watch({ 'readiness-timeout': '25s' });
    expectResult(main, 'rolled-back');
    expect(main.stdout).toMatch(
      /Waiting for new pod app-\w+-\w+ not ready for 1\d s: readiness probe failing, last: Readiness probe failed: HTTP probe failed with statuscode: 503/,
    );
    // Old pods serving while the new one is not ready are not counted as ready.
    expect(main.stdout).toMatch(/app: 1\/1 new pods, 0 ready, 0 available; 1 old pod left\n/);
  });

  it('judges only its own revision when two deploys of one Deployment run at once', async () => {
    const previous = await app.currentRevision();
    await app.setImage(app.images.v1 === (await app.image()) ? app.images.v2 : app.images.v1);
    const good = await app.currentRevision();
    const goodImage = await app.image();
    await app.setImage(app.images.crash);
    const bad = await app.currentRevision();
    const [goodWatch, badWatch] = await Promise.all([
      watch({
        revision: good.revision,
        'pod-template-hash': good.hash,
        'previous-revision': previous.revision,
      }),
      watch({ revision: bad.revision, 'pod-template-hash': bad.hash, 'previous-revision': good.revision }),
    ]);
    // The good deploy's revision was replaced before it was judged: superseded, and it undid nothing.
    expectResult(goodWatch, 'superseded');
    expect(goodWatch.exitCode).toBe(1);
    expect(goodWatch.outputs.reason).toContain(`revision ${good.revision} (pod-template-hash ${good.hash})`);
    expect(goodWatch.visibleLog).not.toContain('Rolled back');
    // The bad deploy judged its own crash and went back to the good deploy's revision, not further.
    expectResult(badWatch, 'rolled-back');
    expect(badWatch.outputs.reason).toMatch(/^CrashLoopBackOff in pod app-\w+-\w+, container web/);
    await expectRolledBackTo(goodImage);

    // Two good deploys: the first does not report the second's success as its own.
    await app.setEnv('VERSION=6');
    const first = await app.currentRevision();
    await app.setEnv('VERSION=7');
    const second = await app.currentRevision();
    const [firstWatch, secondWatch] = await Promise.all([
      watch({ revision: first.revision, 'pod-template-hash': first.hash }),
      watch({ revision: second.revision, 'pod-template-hash': second.hash }),
    ]);
    expectResult(firstWatch, 'superseded');
    expectResult(secondWatch, 'succeeded');
    expect(secondWatch.outputs.revision).toBe(second.revision);
  });

  it('fails a readiness probe that never passes once readiness-timeout has gone by', async () => {
    await app.setEnv('NOT_READY=1');
    const main = await watch();
    expectResult(main, 'rolled-back');
    expect(main.outputs.reason).toMatch(
      /^NotReady in pod app-\w+-\w+, container web: running but not ready for [56] s/,
    );
    expect(main.summary).toContain('Readiness probe failed');
    const env = (await app.deployment()).spec.template.spec.containers[0].env;
    expect(env).not.toContainEqual({ name: 'NOT_READY', value: '1' });
  });

  it('keeps watching through API 503s and 410s and still sees the rollout finish', async () => {
    const faults = await app.startFaultProxy();
    try {
      await app.setEnv('VERSION=2');
      // Only the watcher's reads of this namespace fail, not kubectl's discovery.
      const path = `/namespaces/${app.namespace}/`;
      faults.proxy.faults({ failNext: { count: 3, code: 503, pathContains: path } });
      const main = await watch({ kubeconfig: faults.kubeconfig }, async () => {
        await app.eventually(
          'the 503s to be used up',
          async () => faults.proxy.faults(),
          (s) => s.failuresRemaining === 0,
          30_000,
        );
        faults.proxy.faults({ failNext: { count: 2, code: 410, pathContains: path } });
      });
      expectResult(main, 'succeeded');
      expect(main.warnings.join('\n')).toMatch(
        /Polling the rollout failed, retrying: kubectl get \S+: Error from server \(ServiceUnavailable\)/,
      );
      expect(main.stdout).toMatch(/The cluster answers again after \d+ failed poll\(s\)/);
      expect(faults.proxy.faults().failuresRemaining).toBe(0);
    } finally {
      await faults.close();
    }
  });

  it('survives the SSH connection being cut in the middle of the watch', async () => {
    // A rollout that takes a while: the new pod turns ready only after its probe's initial delay.
    await app.kubectl([
      'patch',
      'deployment/app',
      '--type=json',
      '-p',
      JSON.stringify([
        { op: 'add', path: '/spec/template/spec/containers/0/readinessProbe/initialDelaySeconds', value: 6 },
      ]),
    ]);
    let cut = 0;
    const main = await watch({ 'readiness-timeout': '30s' }, async () => {
      await sleep(2_500);
      cut += await cutSshSessions();
      await sleep(1_500);
      cut += await cutSshSessions();
    });
    expect(cut).toBeGreaterThan(0);
    expectResult(main, 'succeeded');
    expect(main.exitCode).toBe(0);
  });

  it('fails at the progress deadline when nothing else tells what is wrong', async () => {
    const deadline = (seconds: number) =>
      app.kubectl([
        'patch',
        'deployment/app',
        '-p',
        JSON.stringify({ spec: { progressDeadlineSeconds: seconds } }),
      ]);
    await deadline(4);
    try {
      await app.setEnv('NOT_READY=1', 'VERSION=3');
      const main = await watch({ 'readiness-timeout': '10m' });
      expectResult(main, 'rolled-back');
      expect(main.outputs.reason).toMatch(
        /^ProgressDeadlineExceeded: ReplicaSet "app-\w+" has timed out progressing\.$/,
      );
    } finally {
      await deadline(600);
    }
  });

  it('stops at once, naming the problem, when the Deployment does not exist', async () => {
    const main = await watch({ deployment: 'no-such-app' });
    expect(main.exitCode).toBe(1);
    expect(main.errors.join('\n')).toMatch(
      /Error from server \(NotFound\): deployments\.apps "no-such-app" not found/,
    );
    expect(main.outputs.result).toBe('failed');
    expect(main.outputs.reason).toContain('(NotFound)');
  });

  it('refuses a node whose host key is not the pinned one, before any kubectl runs', async () => {
    const blob = Buffer.concat([
      Buffer.from([0, 0, 0, 11]),
      Buffer.from('ssh-ed25519'),
      Buffer.from([0, 0, 0, 32]),
      Buffer.alloc(32, 9),
    ]);
    const main = await watch({ 'host-key': `[127.0.0.1]:1 ssh-ed25519 ${blob.toString('base64')}` });
    expect(main.exitCode).toBe(1);
    expect(main.errors.join('\n')).toContain('is not pinned: the server presented');
    expect(main.stdout).not.toContain('kubectl get');
    expect(main.outputs.result).toBe('failed');
  });

  it('runs kubectl on the runner with a kubeconfig when no node is named', async () => {
    await app.setEnv('VERSION=4');
    const run = await runBundledAction({
      actionDir,
      node: 'node24',
      inputs: {
        namespace: app.namespace,
        deployment: 'app',
        kubeconfig: app.endpoints.kube.kubeconfig,
      },
      timeoutMs: 115_000,
    });
    expectResult(run.main, 'succeeded');
    expect(run.main.stdout).not.toContain('SSH: connected');
  });

  it('loses no request through the service while a bad image is deployed and rolled back', async () => {
    const url = new URL(`${await app.exposeThroughProxy()}/`);
    const answers: string[] = [];
    const failures: string[] = [];
    let stop = false;
    // A new connection each time, as separate clients of the Service would open.
    const once = () =>
      new Promise<void>((resolve) => {
        get(url, { agent: false, timeout: 5_000 }, (res) => {
          let body = '';
          res.on('data', (d) => {
            body += d;
          });
          res.on('end', () => {
            if (res.statusCode === 200) answers.push(body);
            else failures.push(`${res.statusCode} ${body}`);
            resolve();
          });
        })
          .on('error', (error) => {
            failures.push(error.message);
            resolve();
          })
          .on('timeout', function (this: { destroy(): void }) {
            this.destroy();
          });
      });
    const traffic = (async () => {
      // Bounded: at most 2,000 requests, 25 ms apart.
      for (let i = 0; i < 2_000 && !stop; i++) {
        await once();
        await sleep(25);
      }
    })();
    let main: StepRun;
    try {
      await sleep(500);
      await app.setImage(app.images.crash);
      main = await watch();
      await sleep(500);
    } finally {
      stop = true;
      await traffic;
    }
    expectResult(main, 'rolled-back');
    expect(failures).toEqual([]);
    expect(answers.length).toBeGreaterThan(40);
  });

  it('only reports, without rolling back, when rollback-on-failure is false', async () => {
    await app.setImage(app.images.missing);
    const main = await watch({ 'rollback-on-failure': 'false' });
    expect(main.exitCode).toBe(1);
    expectResult(main, 'failed');
    expect(await app.image()).toBe(app.images.missing);
  });
});

describe('rollout-wait deadlines, over an SSH link that stalls', () => {
  // Bundle start, closing the connection (destroyed after 1 s when the peer is silent), writing outputs.
  const MARGIN_MS = 5_000;
  let relay: StallRelay;

  // A relay per test: once stalled and silent, it stays so. Each test starts from the good Deployment.
  beforeEach(async () => {
    relay = await startStallRelay({ host: sshInputs.host!, port: Number(sshInputs.port) });
    await app.deployGood();
  });

  afterEach(async () => {
    await relay?.close();
  });

  /** The SSH inputs through the relay, the host key pinned for the relay's address. */
  function throughRelay(): Record<string, string> {
    const hostKey = sshInputs['host-key']!.replace(/^\S+/, `[${sshInputs.host}]:${relay.port}`);
    return { port: String(relay.port), 'host-key': hostKey };
  }

  async function backToGood(revision: number): Promise<void> {
    await app.kubectl(['rollout', 'undo', 'deployment/app', `--to-revision=${revision}`]);
    await app.waitUntilRolledOut();
  }

  it('returns within timeout: 20s plus a stated margin when the link stalls mid-watch', async () => {
    const good = await app.revision();
    await app.setEnv('NOT_READY=1', 'VERSION=8');
    const started = Date.now();
    const main = await watch(
      { ...throughRelay(), timeout: '20s', 'readiness-timeout': '10m', 'rollback-on-failure': 'false' },
      async () => {
        await sleep(4_000);
        relay.stall();
        relay.silenceNewConnections();
      },
    );
    const elapsed = Date.now() - started;
    expectResult(main, 'failed');
    expect(main.outputs.reason).toMatch(/^Timed out after 2\d s/);
    // Before: 148-150 s, reconnect attempts running past the timeout.
    expect(elapsed).toBeLessThan(20_000 + MARGIN_MS);
    await backToGood(good);
  });

  it('keeps the rollback within rollback-timeout when the link stalls after the undo', async () => {
    const good = await app.revision();
    // The revision rolled back to never turns ready, so the rollback's watch has to wait.
    await app.setEnv('NOT_READY=1', 'VERSION=9');
    const neverReady = await app.currentRevision();
    await app.setImage(app.images.crash);
    let undoSeenAt = 0;
    // The link stalls once the action says the undo is done: stalling when the cluster shows the undo
    // could catch the undo's own answer in flight, a different fault (the undo's deadline, not the watch's).
    let undoDone: () => void = () => {};
    const undoReported = new Promise<void>((resolve) => {
      undoDone = resolve;
    });
    const main = await watch(
      { ...throughRelay(), 'previous-revision': neverReady.revision, 'rollback-timeout': '10s' },
      async () => {
        const reported = await Promise.race([
          undoReported.then(() => true),
          sleep(100_000).then(() => false),
        ]);
        if (!reported) throw new Error('the action never logged the undo');
        undoSeenAt = Date.now();
        relay.stall();
        relay.silenceNewConnections();
        expect(await app.image()).not.toBe(app.images.crash);
      },
      (line) => {
        if (line.text.startsWith('Rolled back deployment/app to revision')) undoDone();
      },
    );
    const afterUndo = Date.now() - undoSeenAt;
    expectResult(main, 'failed');
    expect(main.outputs.reason).toMatch(/; the rollback did not become available: Timed out after \d+ s/);
    expect(afterUndo).toBeLessThan(10_000 + MARGIN_MS);
    await backToGood(good);
  });
});
